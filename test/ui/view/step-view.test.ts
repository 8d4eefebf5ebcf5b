import test from 'ava';
import {lineText} from '../../../src/ui/view/lines.ts';
import {initialState, reducer, type Action, type AppState} from '../../../src/ui/state/state.ts';
import {buildStepView, type StepView} from '../../../src/ui/view/step-view.ts';
import {FakeWorkshop} from '../../helpers/fake-workshop.ts';

const workshop = new FakeWorkshop();
const step = workshop.course.lessons[0]!.steps[0]!;
const longProse = Array.from({length: 30}, (_, index) => `Line ${index + 1} of prose that explains why.`).join('\n\n');
const open = (...actions: Action[]) => [{type: 'open'} as Action, ...actions].reduce(reducer, initialState(workshop.course, workshop.progress(), {yes: false}));
const commands = [{where: 'host' as const, text: 'touch /srv/fixture-root/alpha-marker', startsContainer: false, inShell: false}];

function view(state: AppState, columns: number, rows: number, prose = longProse): StepView {
	return buildStepView({state, step, prose, commands, variables: workshop.variableValues, hint: 'run touch', columns, rows});
}

function height(v: StepView): number {
	return v.header.length + v.prose.length + 1 + v.commands.length + 1 + v.checks.length + v.hint.length + v.run.height + v.changes.length + v.messages.length + v.footer.length;
}

function allRows(v: StepView): string[] {
	return [...v.header, ...v.prose, v.scrollBar, ...v.commands, ...v.checks, ...v.hint, ...v.run.status, ...v.run.output, ...v.changes, ...v.messages, ...v.footer].map(row => lineText(row));
}

test('at 80x24 everything fits: long prose scrolls instead of pushing the keys off screen', t => {
	const running = open({type: 'hint'}, {type: 'run', now: 0}, {type: 'confirm', now: 0}, {type: 'run-event', event: {type: 'output', chunk: Array.from({length: 30}, (_, index) => `out ${index}`).join('\n') + '\n'}});
	const v = view(running, 80, 24);
	t.true(height(v) <= 23, `height ${height(v)}`);
	t.true(v.maxScroll > 0);
	t.true(v.prose.length >= 3);
	t.true(v.run.output.length > 0 && v.run.output.length <= 8);
	t.true(allRows(v).every(row => [...row].length <= 80));
	t.true(v.footer.map(row => lineText(row)).join(' ').includes('j/k scroll'));
});

test('short prose does not scroll and the footer says nothing of scrolling', t => {
	const v = view(open(), 80, 24, 'Short.');
	t.is(v.maxScroll, 0);
	t.deepEqual(v.scrollBar, []);
	t.false(v.footer.map(row => lineText(row)).join(' ').includes('j/k'));
});

test('scroll is clamped to what the prose allows', t => {
	const v = view(open({type: 'scroll', delta: 1000, max: 1000}), 80, 24);
	t.is(v.scroll, v.maxScroll);
	t.is(lineText(v.prose.at(-1)!), 'Line 30 of prose that explains why.');
});

test('a wide terminal gives the diagram a column of its own', t => {
	const v = view(open(), 140, 40);
	t.truthy(v.side);
	t.true(v.mainWidth < 100);
	t.is(view(open(), 100, 40).side, undefined);
});

test('d on a narrow terminal puts the diagram where the prose was', t => {
	const v = view(open({type: 'diagram'}), 80, 24);
	t.true(v.prose.map(row => lineText(row)).join('\n').includes('Reading the host'));
});

test('a crowded step (long command, failing checks, hint) still fits at 80x24; the command stays whole', t => {
	const longCommands = [{where: 'host' as const, text: Array.from({length: 8}, (_, index) => `echo line ${index}`).join('\n'), startsContainer: false, inShell: false}];
	const report = {
		id: 'one', title: 'Make a marker file', status: 'fail' as const, message: 'no', checks: Array.from({length: 4}, (_, index) => ({
			status: 'fail' as const, check: `file /x/${index}`, message: 'it is missing', expected: 'a file', actual: 'nothing',
		})),
	};
	const state = [{type: 'hint'} as Action, {type: 'report', key: 'alpha/one', report, explicit: false} as Action].reduce(reducer, open());
	const v = buildStepView({state, step, prose: longProse, commands: longCommands, variables: workshop.variableValues, hint: 'a hint that is long enough to wrap onto a second row at eighty columns, surely, yes', columns: 80, rows: 24});
	t.true(height(v) <= 23, `height ${height(v)}`);
	t.is(v.commands.length, 9, 'every command row is there');
	t.true(v.prose.length > 0);
	t.regex(lineText(v.checks.at(-1)!), /… \d+ more rows/);
});
