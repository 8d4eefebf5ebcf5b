import test from 'ava';
import type {StepReport} from '../../../src/workshop/api.ts';
import {currentRef, initialState, reducer, stepStatus, type Action, type AppState} from '../../../src/ui/state/state.ts';
import {fixtureCourse} from '../../helpers/fake-workshop.ts';

const course = fixtureCourse();
const fresh = (options: {yes?: boolean; current?: {lesson: string; step: string}; passed?: Record<string, string>} = {}) =>
	initialState(course, {version: 1, passed: options.passed ?? {}, current: options.current}, {yes: options.yes ?? false});
const apply = (state: AppState, ...actions: Action[]) => actions.reduce(reducer, state);
const at = (state: AppState) => {
	const ref = currentRef(state);
	return ref ? `${state.screen}:${ref.lesson}/${ref.step}` : `${state.screen}:-`;
};

const report = (status: StepReport['status']): StepReport => ({id: 'one', title: 'Make a marker file', status, message: status, checks: []});
const running = (state: AppState) => apply(state, {type: 'open'}, {type: 'run', now: 1000}, {type: 'confirm', now: 1000});

test('opens on the lesson list, cursor on the saved step\'s lesson', t => {
	const state = fresh({current: {lesson: 'beta', step: 'second'}});
	t.is(state.screen, 'lessons');
	t.is(state.lesson, 1);
	t.deepEqual(state.resume, {lesson: 1, step: 1});
});

test('without a saved step, the cursor is on the first lesson with a step still to pass', t => {
	const state = fresh({passed: {'alpha/one': 'x', 'alpha/two': 'x'}});
	t.is(state.lesson, 1);
	t.is(stepStatus(state, 'alpha/one'), 'pass');
});

test('a saved step that no longer exists is ignored', t => {
	const state = fresh({current: {lesson: 'gone', step: 'away'}});
	t.is(state.resume, undefined);
	t.is(state.lesson, 0);
});

const navigates = test.macro({
	exec(t, start: AppState, actions: Action[], expected: string) {
		t.is(at(apply(start, ...actions)), expected);
	},
	title: (provided, _start, actions: Action[], expected: string) => `${provided ?? ''} ${actions.map(action => action.type).join(' → ')} ⇒ ${expected}`.trim(),
});

test('open resumes the saved step', navigates, fresh({current: {lesson: 'beta', step: 'second'}}), [{type: 'open'}], 'step:beta/second');
test('open goes to the first step not passed', navigates, fresh({passed: {'alpha/one': 'x'}}), [{type: 'open'}], 'step:alpha/two');
test('move then open', navigates, fresh(), [{type: 'move', delta: 1}, {type: 'open'}], 'step:beta/first');
test('move stops at the ends', navigates, fresh(), [{type: 'move', delta: -1}, {type: 'move', delta: 5}, {type: 'open'}], 'step:beta/first');
test('next crosses into the next lesson', navigates, fresh(), [{type: 'open'}, {type: 'next'}, {type: 'next'}], 'step:beta/first');
test('previous crosses back', navigates, fresh({current: {lesson: 'beta', step: 'first'}}), [{type: 'open'}, {type: 'previous'}], 'step:alpha/two');
test('next at the very end stays', navigates, fresh({current: {lesson: 'beta', step: 'second'}}), [{type: 'open'}, {type: 'next'}], 'step:beta/second');
test('lessons goes back to the list', navigates, fresh(), [{type: 'open'}, {type: 'lessons'}], 'lessons:alpha/one');
test('the list resumes where the learner was', navigates, fresh(), [{type: 'open'}, {type: 'next'}, {type: 'lessons'}, {type: 'open'}], 'step:alpha/two');
test('no navigation while a command runs', navigates, fresh(), [{type: 'open'}, {type: 'run', now: 0}, {type: 'confirm', now: 0}, {type: 'next'}, {type: 'lessons'}], 'step:alpha/one');

test('the end of the course says so', t => {
	const state = apply(fresh({current: {lesson: 'beta', step: 'second'}}), {type: 'open'}, {type: 'next'});
	t.is(state.notice, 'This is the last step of the course.');
});

test('moving to another step resets the hint, scroll and run', t => {
	const state = apply(fresh(), {type: 'open'}, {type: 'hint'}, {type: 'scroll', delta: 3, max: 10}, {type: 'run', now: 0}, {type: 'next'});
	t.false(state.hint);
	t.is(state.scroll, 0);
	t.is(state.run.phase, 'idle');
	t.is(at(state), 'step:alpha/two');
});

const runsTo = test.macro({
	exec(t, yes: boolean, actions: Action[], phase: AppState['run']['phase']) {
		t.is(apply(fresh({yes}), {type: 'open'}, ...actions).run.phase, phase);
	},
	title: (_provided, yes: boolean, actions: Action[], phase: string) => `run${yes ? ' (--yes)' : ''}: ${actions.map(action => action.type).join(' → ')} ⇒ ${phase}`,
});

test(runsTo, false, [{type: 'run', now: 0}], 'confirm');
test(runsTo, true, [{type: 'run', now: 0}], 'running');
test(runsTo, false, [{type: 'run', now: 0}, {type: 'confirm', now: 0}], 'running');
test(runsTo, false, [{type: 'run', now: 0}, {type: 'decline'}], 'idle');
test(runsTo, false, [{type: 'run', now: 0}, {type: 'interrupt'}], 'idle');
test(runsTo, false, [{type: 'confirm', now: 0}], 'idle');

test(String.raw`output streams into lines, a partial line waits for its end, \r keeps what was last drawn`, t => {
	let state = running(fresh());
	state = apply(
		state,
		{type: 'run-event', event: {type: 'start', command: {where: 'host', text: 'touch x\n', startsContainer: false, inShell: false}}},
		{type: 'run-event', event: {type: 'output', chunk: 'one\ntw'}},
		{type: 'run-event', event: {type: 'output', chunk: 'o\n10%\r50%\r100%\n\u001B[32mgreen\u001B[0m\nrest'}},
	);
	t.is(state.run.phase, 'running');
	if (state.run.phase === 'running') {
		t.deepEqual(state.run.output, ['$ touch x', 'one', 'two', '100%', 'green']);
		t.is(state.run.partial, 'rest');
	}
});

test('ticks update the elapsed time while running', t => {
	const state = apply(running(fresh()), {type: 'tick', now: 3500});
	t.is(state.run.phase === 'running' ? state.run.elapsedMs : -1, 2500);
});

test('progress events are kept for the bar', t => {
	const state = apply(running(fresh()), {type: 'run-event', event: {type: 'progress', done: 5, total: 10, unit: 'files'}});
	t.deepEqual(state.run.phase === 'running' ? state.run.progress : undefined, {done: 5, total: 10, unit: 'files'});
});

test('a finished run keeps its report and changes, and flushes the partial line', t => {
	const state = apply(
		running(fresh()),
		{type: 'run-event', event: {type: 'output', chunk: 'no newline'}},
		{type: 'run-finished', key: 'alpha/one', now: 4000, result: {exitCode: 0, cancelled: false, changes: [{sign: '+', text: 'marker'}], report: report('pass')}},
	);
	t.like(state.run, {phase: 'done', exitCode: 0, cancelled: false, elapsedMs: 3000, output: ['no newline']});
	t.is(state.reports['alpha/one']?.status, 'pass');
	t.deepEqual(state.changes['alpha/one'], [{sign: '+', text: 'marker'}]);
	t.false(state.hint);
});

test('a failed run opens the hint', t => {
	const state = apply(running(fresh()), {type: 'run-finished', key: 'alpha/one', now: 2000, result: {exitCode: 1, cancelled: false, changes: [], report: report('fail')}});
	t.true(state.hint);
});

test('a run the engine could not start becomes a message', t => {
	const state = apply(running(fresh()), {type: 'run-failed', message: 'unshare: not found', now: 2000});
	t.like(state.run, {phase: 'done', failure: 'unshare: not found'});
	t.deepEqual(state.error, {message: 'unshare: not found', source: 'action'});
});

test('Ctrl-C while running asks to stop, once; the run ends when the engine says so', t => {
	const once = apply(running(fresh()), {type: 'interrupt'});
	t.like(once.run, {phase: 'running', stopping: true});
	t.is(apply(once, {type: 'interrupt'}), once);
	t.is(once.exit, undefined);
	const stopped = apply(once, {type: 'run-finished', key: 'alpha/one', now: 2000, result: {exitCode: 130, cancelled: true, changes: [], report: report('fail')}});
	t.like(stopped.run, {phase: 'done', cancelled: true});
	t.false(stopped.hint, 'a stopped run is not a failed attempt');
});

test('Ctrl-C when idle quits; right after a run it only clears it; q while running does not quit', t => {
	t.is(apply(fresh(), {type: 'interrupt'}).exit, 'quit');
	const finished = apply(running(fresh()), {type: 'run-failed', message: 'x', now: 1}, {type: 'interrupt'});
	t.is(finished.exit, undefined);
	t.is(finished.run.phase, 'idle');
	t.is(apply(finished, {type: 'interrupt'}).exit, 'quit');
	const busy = apply(running(fresh()), {type: 'quit'});
	t.is(busy.exit, undefined);
	t.regex(busy.notice ?? '', /Ctrl-C/);
});

test('the shell is refused while a command runs or waits for y/n', t => {
	t.is(apply(running(fresh()), {type: 'shell'}).exit, undefined);
	t.is(apply(fresh(), {type: 'open'}, {type: 'run', now: 0}, {type: 'shell'}).exit, undefined);
	const aside = apply(fresh(), {type: 'open'}, {type: 'shell'});
	t.is(aside.exit, 'shell');
	t.is(apply(aside, {type: 'returned'}).exit, undefined);
});

test('an explicit verify that fails opens the hint; a watched one does not', t => {
	const open = apply(fresh(), {type: 'open'}, {type: 'verify'});
	t.true(open.verifying);
	t.false(apply(open, {type: 'report', key: 'alpha/one', report: report('fail'), explicit: false}).hint);
	const answered = apply(open, {type: 'report', key: 'alpha/one', report: report('fail'), explicit: true});
	t.true(answered.hint);
	t.false(answered.verifying);
});

test('a watch error clears itself when watching works again; an action error stays', t => {
	const watched = apply(fresh(), {type: 'open'}, {type: 'error', message: 'EACCES', source: 'watch'});
	t.is(apply(watched, {type: 'report', key: 'alpha/one', report: report('fail'), explicit: false}).error, undefined);
	const acted = apply(fresh(), {type: 'open'}, {type: 'error', message: 'setCurrent failed'});
	t.truthy(apply(acted, {type: 'report', key: 'alpha/one', report: report('fail'), explicit: false}).error);
});

test('scroll stays between 0 and the max the view allows', t => {
	const open = apply(fresh(), {type: 'open'});
	t.is(apply(open, {type: 'scroll', delta: -3, max: 10}).scroll, 0);
	t.is(apply(open, {type: 'scroll', delta: 30, max: 10}).scroll, 10);
	t.is(apply(open, {type: 'scroll', delta: 4, max: 10}, {type: 'scroll', delta: -1, max: 10}).scroll, 3);
});

test('a full verify fills every step\'s report and ends the list\'s check', t => {
	const state = fresh();
	t.true(state.listChecked < state.listChecks);
	const verified = apply(state, {type: 'verified', report: {
		rootfs: '/r', container: null, summary: {pass: 1, fail: 0, skip: 0},
		lessons: [{id: 'alpha', title: 'Alpha lesson', steps: [report('pass')]}],
	}});
	t.is(verified.reports['alpha/one']?.status, 'pass');
	t.is(verified.listChecked, verified.listChecks);
});

test('a watch round that finds nothing new keeps the very same state, so nothing re-renders', t => {
	const setup = {rootfs: '/ubunturoot', container: null, hostLinks: [], containerLinks: [], containerOnlyMounts: []};
	const watched = apply(fresh(), {type: 'open'}, {type: 'report', key: 'alpha/one', report: report('fail'), explicit: false}, {type: 'setup', setup});
	// Equal data in new objects, as every probe round makes them.
	t.is(apply(watched, {type: 'report', key: 'alpha/one', report: report('fail'), explicit: false}), watched);
	t.is(apply(watched, {type: 'setup', setup: structuredClone(setup)}), watched);
	t.is(apply(watched, {type: 'progress', passed: {}}), watched);
	// What did change is taken.
	t.is(apply(watched, {type: 'report', key: 'alpha/one', report: report('pass'), explicit: false}).reports['alpha/one']?.status, 'pass');
	t.is(apply(watched, {type: 'setup', setup: {...setup, rootfs: '/elsewhere'}}).setup?.rootfs, '/elsewhere');
	// An explicit verify is always answered, even with the same verdict.
	t.not(apply(watched, {type: 'report', key: 'alpha/one', report: report('fail'), explicit: true}), watched);
});

test('a progress event\'s current item is kept for the bar too', t => {
	const state = apply(running(fresh()), {type: 'run-event', event: {type: 'progress', done: 12, total: 91, unit: 'packages', item: 'Unpacking bash'}});
	t.deepEqual(state.run.phase === 'running' ? state.run.progress : undefined, {done: 12, total: 91, unit: 'packages', item: 'Unpacking bash'});
});
