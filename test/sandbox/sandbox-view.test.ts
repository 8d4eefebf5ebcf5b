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

test('inside a sandbox the step screen\'s header says which, and that the host\'s network is untouched', t => {
	const state = [{type: 'open'} as Action].reduce(reducer, initialState(workshop.course, workshop.progress(), {yes: false}));
	const step = workshop.course.lessons[0]!.steps[0]!;
	const header = (sandbox?: string) => buildStepView({state, step, prose: 'Prose.', commands: [], variables: workshop.variableValues, hint: '', columns: 80, rows: 24, sandbox}).header.map(row => lineText(row).trimEnd());
	const inside = header(note);
	t.is(inside.length, 2);
	t.regex(inside[0]!, new RegExp(`^rootcamp › 1/\\d+ .*${step.title}`), 'the course\'s crumbs keep the step\'s title at 80 columns');
	t.is(inside[1], 'sandbox lab; the host\'s network is untouched');
	t.deepEqual(header().map(row => row.replace(/\s+\S+$/, '')), [inside[0]!.replace(/\s+\S+$/, '')], 'outside one: the crumbs alone');
});

test('at 80x24 a sandbox\'s step screen still fits, the run and the keys on screen', t => {
	const longProse = Array.from({length: 30}, (_, index) => `Line ${index + 1} of prose.`).join('\n\n');
	const step = workshop.course.lessons[0]!.steps[0]!;
	const running = [{type: 'open'}, {type: 'hint'}, {type: 'run', now: 0}, {type: 'confirm', now: 0}, {type: 'run-event', event: {type: 'output', chunk: 'out\n'.repeat(30)}}]
		.reduce((state, action) => reducer(state, action as Action), initialState(workshop.course, workshop.progress(), {yes: false}));
	const commands = [{where: 'host' as const, text: 'touch /srv/fixture-root/alpha-marker', startsContainer: false, inShell: false}];
	const v = buildStepView({state: running, step, prose: longProse, commands, variables: workshop.variableValues, hint: 'run touch', columns: 80, rows: 24, sandbox: note});
	const rows = [...v.header, ...v.prose, v.scrollBar, ...v.commands, [], ...v.checks, ...v.hint, ...v.run.status, ...v.run.output, ...v.changes, ...v.messages, ...v.footer].map(row => lineText(row));
	t.true(v.header.length + v.prose.length + 1 + v.commands.length + 1 + v.checks.length + v.hint.length + v.run.height + v.changes.length + v.messages.length + v.footer.length <= 23);
	t.true(v.prose.length >= 3, 'the prose keeps its rows');
	t.true(rows.every(row => [...row].length <= 80));
	t.true(v.run.output.length > 0);
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
