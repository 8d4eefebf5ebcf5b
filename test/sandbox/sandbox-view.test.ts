import test from 'ava';
import {sandboxNote} from '../../src/sandbox/note.ts';
import {initialState, reducer, type Action} from '../../src/ui/state/state.ts';
import {buildLessonView} from '../../src/ui/view/lesson-view.ts';
import {lineText} from '../../src/ui/view/lines.ts';
import {buildStepView} from '../../src/ui/view/step-view.ts';
import {FakeWorkshop} from '../helpers/fake-workshop.ts';

const workshop = new FakeWorkshop();
const note = sandboxNote({ROOTCAMP_SANDBOX: 'lab'});

test('inside a sandbox the lesson list says so under its heading; outside it does not', t => {
	const state = initialState(workshop.course, workshop.progress(), {yes: false});
	const inside = buildLessonView(state, {sandbox: note, columns: 80, rows: 24, checking: false}).lines.map(row => lineText(row).trimEnd());
	t.deepEqual(inside.slice(0, 2), ['Lessons', 'sandbox lab; the host\'s network is untouched']);
	const outside = buildLessonView(state, {columns: 80, rows: 24, checking: false}).lines.map(row => lineText(row).trimEnd());
	t.false(outside.some(row => row.includes('sandbox')));
});

test('inside a sandbox the step screen\'s header names it', t => {
	const state = [{type: 'open'} as Action].reduce(reducer, initialState(workshop.course, workshop.progress(), {yes: false}));
	const step = workshop.course.lessons[0]!.steps[0]!;
	const header = (sandbox?: string) => lineText(buildStepView({state, step, prose: 'Prose.', commands: [], variables: workshop.variableValues, hint: '', columns: 100, rows: 24, sandbox}).header);
	t.regex(header(note), /^rootcamp \(sandbox lab\) › 1\//);
	t.regex(header(), /^rootcamp › 1\//);
});

test('inside a sandbox the diagram, beside the step or in its place, is titled with the sandbox', t => {
	const step = workshop.course.lessons[0]!.steps[0]!;
	const setup = {rootfs: '/ubunturoot', container: null, hostLinks: [], containerLinks: [], containerOnlyMounts: []};
	const open = (...actions: Action[]) => [{type: 'open'} as Action, {type: 'setup', setup} as Action, ...actions].reduce(reducer, initialState(workshop.course, workshop.progress(), {yes: false}));
	const view = (state: ReturnType<typeof open>, columns: number) => buildStepView({state, step, prose: 'Prose.', commands: [], variables: workshop.variableValues, hint: '', columns, rows: 30, sandbox: note});
	t.is(view(open(), 140).side?.sandbox, note, 'the wide diagram column is given the note');
	const narrow = view(open({type: 'diagram'}), 80).prose.map(row => lineText(row)).join('\n');
	t.regex(narrow, /SANDBOX lab/);
	t.regex(narrow, /│ its own network; the host's is\s+│[^\n]*\n│ untouched\s+│/, 'wrapped in the narrow box, not cut');
});
