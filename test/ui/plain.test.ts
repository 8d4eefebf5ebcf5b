import {Writable} from 'node:stream';
import test from 'ava';
import {runPlain} from '../../src/ui/plain.ts';
import {FakeWorkshop} from '../helpers/fake-workshop.ts';
import {waitFor} from '../helpers/wait-for.ts';

/** A stream that keeps what is written, like a pipe into a log. */
function capture() {
	let text = '';
	const stream = new Writable({
		write(chunk: Uint8Array | string, _encoding, callback) {
			text += String(chunk);
			callback();
		},
	});
	return {stream, text: () => text};
}

test('prints the lesson list, then the current step\'s prose, command and checks, and exits 0', async t => {
	const workshop = new FakeWorkshop({progress: {passed: {'alpha/one': 'x'}, current: {lesson: 'alpha', step: 'one'}}});
	const out = capture();
	const code = await runPlain(workshop, {color: false, yes: false, stdout: out.stream});
	const text = out.text();
	t.is(code, 0);
	t.true(text.includes('  1. Alpha lesson: 1 of 2 steps passed (you are here)'));
	t.true(text.includes('  2. Beta lesson: 0 of 2 steps passed'));
	t.true(text.includes('Step 1 of 2: Make a marker file (alpha/one)'));
	t.true(text.includes('Create a marker file in the rootfs'), 'the prose is plain text, without Markdown marks');
	t.true(text.includes('Command · host\ntouch /srv/fixture-root/alpha-marker\n'), 'the command on a line of its own, as is');
	t.true(text.includes('  FAIL file /srv/fixture-root/alpha-marker type=file — it is not there yet'), 'words, not marks, for screen readers');
	t.true(text.includes('expected: a regular file'));
	t.true(text.includes('Hint: run touch /srv/fixture-root/alpha-marker on the host.'));
	t.is(workshop.runs.length, 0, 'nothing runs without --yes');
	t.false(text.includes('\u001B'), 'no escape codes when colour is off');
});

test('with yes, runs the step, prints its output, what changed and the verdict', async t => {
	const workshop = new FakeWorkshop({progress: {current: {lesson: 'alpha', step: 'one'}}});
	const out = capture();
	const done = runPlain(workshop, {color: false, yes: true, stdout: out.stream, signal: new AbortController().signal});
	await waitFor(() => workshop.runs.length === 1);
	const run = workshop.runs[0]!;
	run.emit({type: 'start', command: {where: 'host', text: 'touch /srv/fixture-root/alpha-marker', startsContainer: false, inShell: false}});
	run.emit({type: 'output', chunk: 'working\nunpacking 10%\runpacking 100%\nno newline'});
	run.emit({type: 'progress', done: 4, total: 4, unit: 'files'});
	workshop.statuses.set('alpha/one', 'pass');
	run.finish({changes: [{sign: '+', text: 'file /srv/fixture-root/alpha-marker'}]});
	t.is(await done, 0);
	const text = out.text();
	t.true(text.includes('$ touch /srv/fixture-root/alpha-marker\nworking\nunpacking 100%\n'));
	t.true(text.includes('progress: 100% 4 / 4 files'));
	t.true(text.includes('no newline\n'));
	t.true(text.includes('What changed\n+ file /srv/fixture-root/alpha-marker'));
	t.true(text.includes('  PASS file /srv/fixture-root/alpha-marker type=file'));
});

test('with yes, a failing step exits 1; aborting stops the run', async t => {
	const workshop = new FakeWorkshop({progress: {current: {lesson: 'alpha', step: 'one'}}});
	const out = capture();
	const abort = new AbortController();
	const done = runPlain(workshop, {color: false, yes: true, stdout: out.stream, signal: abort.signal});
	await waitFor(() => workshop.runs.length === 1);
	abort.abort();
	t.is(await done, 1);
	t.true(workshop.runs[0]!.signal?.aborted);
	t.true(out.text().includes('Stopped.'));
});

test('an engine error is one line and exit 1, never a stack trace', async t => {
	const workshop = new FakeWorkshop();
	workshop.verifyError = new Error('cannot read /proc/self/ns/pid: permission denied');
	const out = capture();
	t.is(await runPlain(workshop, {color: false, yes: false, stdout: out.stream}), 1);
	t.true(out.text().includes('error: cannot read /proc/self/ns/pid: permission denied\n'));
	t.notRegex(out.text(), /\n\s+at /);
});

test('colour, when asked for, is only in the plain renderer\'s own marks', async t => {
	const workshop = new FakeWorkshop();
	const out = capture();
	await runPlain(workshop, {color: true, yes: false, stdout: out.stream});
	t.true(out.text().includes('\u001B[31m'), 'FAIL is red');
});
