import test, {type ExecutionContext} from 'ava';
import {render} from 'ink-testing-library';
import {initialState} from '../../src/ui/state/state.ts';
import {WorkshopApp, type Outcome} from '../../src/ui/workshop-app.tsx';
import {FakeWorkshop} from '../helpers/fake-workshop.ts';
import {arrowLeft, arrowRight, ctrlC, enter} from '../helpers/keys.ts';
import {waitFor, waitForFrame} from '../helpers/wait-for.ts';

type MountOptions = {yes?: boolean; watchMs?: number; columns?: number; rows?: number; sandbox?: string};

function mount(t: ExecutionContext, workshop: FakeWorkshop, options: MountOptions = {}) {
	const outcomes: Outcome[] = [];
	const initial = initialState(workshop.course, workshop.progress(), {yes: options.yes ?? false});
	const app = render(<WorkshopApp workshop={workshop} initial={initial} color={false} sandbox={options.sandbox} watchMs={options.watchMs ?? 30} onExit={outcome => outcomes.push(outcome)}/>);
	// A failed assertion must not leave Ink's timers keeping the worker alive.
	t.teardown(() => {
		app.unmount();
	});
	const resize = (columns: number, rows: number) => {
		// ink-testing-library's stdout is 100 columns and has no rows; a terminal resize changes both.
		Object.defineProperty(app.stdout, 'columns', {value: columns, configurable: true});
		Object.defineProperty(app.stdout, 'rows', {value: rows, configurable: true});
		app.stdout.emit('resize');
	};

	if (options.columns !== undefined || options.rows !== undefined) {
		resize(options.columns ?? 100, options.rows ?? 24);
	}

	return {
		...app,
		outcomes,
		resize,
		frame: async (text: Parameters<typeof waitForFrame>[1], timeout?: number) => waitForFrame(app.lastFrame, text, timeout),
		press(key: string) {
			app.stdin.write(key);
		},
	};
}

/** Opens the lesson list's selected lesson and waits for its step to show. */
async function openStep(app: ReturnType<typeof mount>, title: string) {
	await app.frame('Lessons');
	app.press(enter);
	// The list names steps too: wait for the step screen's own header.
	await app.frame(frame => frame.startsWith('rootcamp ›') && frame.split('\n')[0]!.includes(title));
}

test('the lesson list shows every lesson title with its progress', async t => {
	const workshop = new FakeWorkshop({progress: {passed: {'alpha/one': '2025-01-01T00:00:00Z'}}, statuses: {'alpha/one': 'pass'}});
	const app = mount(t, workshop);
	const frame = await app.frame(frame => frame.includes('Beta lesson') && !frame.includes('checking'));
	t.regex(frame, /Alpha lesson\s+✓✗\s+1\/2/);
	t.regex(frame, /Beta lesson\s+✗–\s+0\/2/);
	t.true(frame.includes('› 1. Alpha lesson'), 'the cursor starts on the first lesson with an open step');
});

test('resume: Enter opens the saved step, and the step is saved as current', async t => {
	const workshop = new FakeWorkshop({progress: {current: {lesson: 'beta', step: 'first'}}});
	const app = mount(t, workshop);
	const list = await app.frame('Enter resumes at beta/first');
	t.true(list.includes('› 2. Beta lesson'));
	app.press(enter);
	const frame = await app.frame('step 1/2 Mount proc inside');
	t.true(frame.includes('mount -t proc proc /proc'));
	t.true(frame.includes('Command · container (not running yet)'));
	await waitFor(() => workshop.setCurrentCalls.some(ref => ref.lesson === 'beta' && ref.step === 'first'));
	t.pass();
});

test('the container label carries the host PID from the variables', async t => {
	const workshop = new FakeWorkshop({progress: {current: {lesson: 'beta', step: 'first'}}});
	workshop.variableValues.pid = '24915';
	const app = mount(t, workshop);
	await openStep(app, 'Mount proc inside');
	await app.frame('Command · container (pid 24915)');
	t.pass();
});

test('the command block holds the exact command, nothing else on its rows', async t => {
	const workshop = new FakeWorkshop();
	const app = mount(t, workshop);
	await openStep(app, 'Make a marker file');
	const frame = await app.frame('touch');
	t.true(frame.split('\n').includes('touch /srv/fixture-root/alpha-marker'));
});

test('run: confirm first, stream the output, then a pass shows what changed', async t => {
	const workshop = new FakeWorkshop();
	const app = mount(t, workshop);
	await openStep(app, 'Make a marker file');
	await app.frame('r run it for me');
	app.press('r');
	await app.frame('Run the command above on the host? y yes  n no');
	t.is(workshop.runs.length, 0, 'nothing runs before the learner says yes');
	app.press('y');
	await waitFor(() => workshop.runs.length === 1);
	const run = workshop.runs[0]!;
	t.deepEqual(run.ref, {lesson: 'alpha', step: 'one'});
	run.emit({type: 'start', command: {where: 'host', text: 'touch /srv/fixture-root/alpha-marker', startsContainer: false, inShell: false}});
	run.emit({type: 'output', chunk: 'first line\nsecond '});
	run.emit({type: 'output', chunk: 'line\n'});
	const running = await app.frame('second line');
	t.true(running.includes('Running on the host'));
	t.true(running.includes('$ touch /srv/fixture-root/alpha-marker'));
	t.true(running.includes('Ctrl-C stop'));
	workshop.statuses.set('alpha/one', 'pass');
	run.finish({changes: [{sign: '+', text: 'file /srv/fixture-root/alpha-marker (regular file, 0 bytes)'}]});
	const done = await app.frame('What changed');
	t.true(done.includes('+ file /srv/fixture-root/alpha-marker (regular file, 0 bytes)'));
	t.true(done.includes('✓ Finished in'));
	t.true(done.includes('✓ passes'));
});

test('n declines the run', async t => {
	const workshop = new FakeWorkshop();
	const app = mount(t, workshop);
	await openStep(app, 'Make a marker file');
	app.press('r');
	await app.frame('y yes');
	app.press('n');
	await app.frame(frame => !frame.includes('y yes') && frame.includes('r run it for me'));
	t.is(workshop.runs.length, 0);
});

test('long work shows a progress bar when the total is known', async t => {
	const workshop = new FakeWorkshop();
	const app = mount(t, workshop, {yes: true});
	await openStep(app, 'Make a marker file');
	app.press('r');
	await waitFor(() => workshop.runs.length === 1);
	workshop.runs[0]!.emit({type: 'progress', done: 3, total: 12, unit: 'packages'});
	const frame = await app.frame('3 / 12 packages');
	t.regex(frame, /█+░+\s+25% 3 \/ 12 packages/);
	workshop.runs[0]!.emit({type: 'progress', done: 2_500_000, unit: 'bytes'});
	await app.frame('2.5 MB');
	workshop.runs[0]!.finish();
});

test('Ctrl-C during a run aborts its signal, and the app stays', async t => {
	const workshop = new FakeWorkshop();
	const app = mount(t, workshop, {yes: true});
	await openStep(app, 'Make a marker file');
	app.press('r');
	await waitFor(() => workshop.runs.length === 1);
	const run = workshop.runs[0]!;
	await app.frame('Running on the host');
	app.press(ctrlC);
	await waitFor(() => run.signal?.aborted === true);
	await app.frame('Stopped after');
	t.deepEqual(app.outcomes, [], 'the app did not quit');
	app.press('n');
	await app.frame('Start the container');
});

test('watching: a step done by hand turns green by itself within about a second', async t => {
	const workshop = new FakeWorkshop();
	// The real interval: the promise is "within about a second".
	const app = mount(t, workshop, {watchMs: 700});
	await openStep(app, 'Make a marker file');
	await app.frame('✗ not yet');
	workshop.statuses.set('alpha/one', 'pass');
	const started = Date.now();
	await app.frame('✓ passes', 1500);
	t.true(Date.now() - started < 1500);
});

test('h shows the hint with its variables filled, and hides it again', async t => {
	const workshop = new FakeWorkshop();
	const app = mount(t, workshop);
	await openStep(app, 'Make a marker file');
	await app.frame('h hint');
	t.false(app.lastFrame()!.includes('Hint:'));
	app.press('h');
	const shown = await app.frame('Hint: run touch /srv/fixture-root/alpha-marker on the host.');
	t.true(shown.includes('h hide hint'));
	app.press('h');
	await app.frame(frame => !frame.includes('Hint:'));
});

test('a failed check shows expected and actual; an explicit verify that fails shows the hint', async t => {
	const workshop = new FakeWorkshop();
	const app = mount(t, workshop);
	await openStep(app, 'Make a marker file');
	const frame = await app.frame('expected: a regular file');
	t.true(frame.includes('actual:   nothing at that path'));
	app.press('v');
	await app.frame('Hint:');
});

test('an error thrown by the engine is a red line, not a stack trace, and the app goes on', async t => {
	const workshop = new FakeWorkshop();
	workshop.verifyError = new Error('cannot read /proc/4242/ns/pid: permission denied');
	const app = mount(t, workshop);
	const list = await app.frame('✗ cannot read /proc/4242/ns/pid: permission denied');
	t.false(/\bat .+:\d+:\d+/.test(list), 'no stack frames');
	app.press(enter);
	await app.frame('Make a marker file');
	workshop.verifyError = undefined;
	// Watching recovers on its own: the message goes once the engine answers again.
	await app.frame(frame => !frame.includes('permission denied') && frame.includes('✗ not yet'));
	t.pass();
});

test('a run the engine cannot start shows its message', async t => {
	const workshop = new FakeWorkshop();
	const app = mount(t, workshop, {yes: true});
	await openStep(app, 'Make a marker file');
	app.press('r');
	await waitFor(() => workshop.runs.length === 1);
	workshop.runs[0]!.fail(new Error('this host cannot run it: unshare is missing'));
	const frame = await app.frame('✗ this host cannot run it: unshare is missing');
	t.true(frame.includes('could not run'));
});

test('n/→ and p/← move between steps and across lessons, saving each place', async t => {
	const workshop = new FakeWorkshop();
	const app = mount(t, workshop);
	await openStep(app, 'Make a marker file');
	app.press('n');
	await app.frame('Start the container');
	app.press(arrowRight);
	await app.frame('Mount proc inside');
	app.press('p');
	await app.frame('Start the container');
	app.press(arrowLeft);
	await app.frame('Make a marker file');
	app.press('l');
	await app.frame('Lessons');
	await waitFor(() => workshop.setCurrentCalls.length >= 5);
	t.deepEqual(workshop.setCurrentCalls.map(ref => `${ref.lesson}/${ref.step}`), ['alpha/one', 'alpha/two', 'beta/first', 'alpha/two', 'alpha/one']);
});

test('a step nobody can observe says so', async t => {
	const workshop = new FakeWorkshop({progress: {current: {lesson: 'beta', step: 'second'}}});
	const app = mount(t, workshop);
	await openStep(app, 'Set PATH');
	await app.frame('nothing outside the shell can observe this step');
	t.pass();
});

test('q quits; the place is already saved', async t => {
	const workshop = new FakeWorkshop();
	const app = mount(t, workshop);
	await openStep(app, 'Make a marker file');
	await waitFor(() => workshop.setCurrentCalls.length > 0);
	app.press('q');
	await waitFor(() => app.outcomes.length === 1);
	t.is(app.outcomes[0]!.type, 'quit');
	t.deepEqual(workshop.saved.current, {lesson: 'alpha', step: 'one'});
});

test('s without a container explains why there is no shell', async t => {
	const workshop = new FakeWorkshop();
	const app = mount(t, workshop);
	await openStep(app, 'Make a marker file');
	app.press('s');
	await app.frame('No container is running yet');
	t.deepEqual(app.outcomes, []);
});

test('s with a container steps aside with the shell command', async t => {
	const workshop = new FakeWorkshop();
	workshop.shell = ['nsenter', '--target', '24915', '--all', '/bin/sh'];
	const app = mount(t, workshop);
	await openStep(app, 'Make a marker file');
	app.press('s');
	await waitFor(() => app.outcomes.length === 1);
	const outcome = app.outcomes[0]!;
	t.is(outcome.type, 'shell');
	t.deepEqual(outcome.type === 'shell' ? outcome.argv : [], workshop.shell);
});

test('prose longer than the screen scrolls with j/k at 80x24', async t => {
	const workshop = new FakeWorkshop();
	workshop.course.lessons[0]!.steps[0]!.prose = Array.from({length: 40}, (_, index) => `Paragraph line ${index + 1}.`).join('\n\n');
	const app = mount(t, workshop, {columns: 80, rows: 24});
	await openStep(app, 'Make a marker file');
	const top = await app.frame(/lines 1–\d+ of \d+/);
	t.true(top.includes('Paragraph line 1.'));
	t.true(top.split('\n').length <= 24);
	t.true(top.split('\n').every(row => [...row].length <= 80), 'nothing is wider than the terminal');
	app.press('j');
	await app.frame(/lines 2–\d+/);
	app.press('k');
	await app.frame(/lines 1–\d+/);
});

test('a resize redraws the screen to the new width', async t => {
	const workshop = new FakeWorkshop();
	const app = mount(t, workshop);
	await openStep(app, 'Make a marker file');
	await app.frame('r run it for me  v verify');
	app.resize(50, 24);
	const narrow = await app.frame(frame => frame.split('\n').every(row => [...row].length <= 50) && frame.includes('r run it for me'));
	t.true(narrow.includes('touch /srv/fixture-root/alpha-marker'));
});

test('markdown is rendered once the renderer has loaded', async t => {
	const workshop = new FakeWorkshop();
	const app = mount(t, workshop);
	await openStep(app, 'Make a marker file');
	const frame = await app.frame(frame => frame.includes('Create a marker file') && !frame.includes('**'), 5000);
	t.false(frame.includes('`file`'));
});

test('d shows the diagram in place of the prose on a narrow terminal', async t => {
	const workshop = new FakeWorkshop();
	workshop.setupState = {
		rootfs: '/srv/fixture-root',
		container: {pid: 24_915, root: '/srv/fixture-root', own: ['pid', 'mnt', 'net'], command: '/bin/bash', startTime: 1},
		hostLinks: [{name: 'vethHost', index: 7, kind: 'veth', peerIndex: 2, peerElsewhere: true, up: true, operstate: 'UP', addresses: []}],
		containerLinks: [{name: 'vethCont', index: 2, kind: 'veth', peerIndex: 7, peerElsewhere: true, up: false, operstate: 'DOWN', addresses: []}],
		containerOnlyMounts: [{id: 1, parent: 0, target: '/proc', fstype: 'proc', source: 'proc', options: 'rw'}],
	};
	const app = mount(t, workshop);
	await openStep(app, 'Make a marker file');
	app.press('d');
	const frame = await app.frame('CONTAINER pid 24915');
	t.true(frame.includes('vethHost UP ⇄ vethCont (container)'));
	t.true(frame.includes('vethCont DOWN ⇄ vethHost (host)'));
	t.true(frame.includes('/proc proc'));
	t.regex(frame, /own ns\s+pid mnt net/);
});

test('inside a sandbox the diagram beside the step is the sandbox\'s, on a wide terminal', async t => {
	const workshop = new FakeWorkshop();
	workshop.setupState = {rootfs: '/srv/fixture-root', container: null, hostLinks: [], containerLinks: [], containerOnlyMounts: []};
	const app = mount(t, workshop, {columns: 140, rows: 30, sandbox: 'sandbox lab; the host\'s network is untouched'});
	await app.frame('Lessons');
	app.press(enter);
	const frame = await app.frame(frame => /^rootcamp › .*\nsandbox lab; the host's network is untouched\n/.test(frame) && frame.includes('SANDBOX lab'));
	t.regex(frame, /┌─ SANDBOX lab ─/);
	t.true(frame.includes('its own network; the host\'s is untouched'));
	t.false(frame.includes('HOST'));
});

test('keys typed ahead in one chunk each count', async t => {
	const workshop = new FakeWorkshop();
	workshop.course.lessons[0]!.steps[0]!.prose = Array.from({length: 40}, (_, index) => `Paragraph line ${index + 1}.`).join('\n\n');
	const app = mount(t, workshop, {columns: 80, rows: 24});
	await openStep(app, 'Make a marker file');
	await app.frame(/lines 1–\d+/);
	app.press('jjj');
	await app.frame(/lines 4–\d+/);
	app.press('ry');
	await waitFor(() => workshop.runs.length === 1);
	t.pass();
});

test('a step done by hand shows what changed, from the engine\'s diff', async t => {
	const workshop = new FakeWorkshop();
	workshop.changesByHand = [{sign: '+', text: 'file /srv/fixture-root/alpha-marker (made by hand)'}];
	const app = mount(t, workshop);
	await openStep(app, 'Make a marker file');
	// "Before" is how the host looked when watching began: let it take a round first.
	const calls = workshop.verifyStepCalls;
	await waitFor(() => workshop.verifyStepCalls >= calls + 2);
	workshop.statuses.set('alpha/one', 'pass');
	const frame = await app.frame('+ file /srv/fixture-root/alpha-marker (made by hand)');
	t.true(frame.includes('What changed'));
	t.is(workshop.described.length, 1);
});
