import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import test from 'ava';
import {runProcess} from '../../src/run/process.ts';

const runFiles = () => readdirSync(tmpdir()).filter(name => name.startsWith('rootcamp-run-'));

test.serial('output streams as it comes, stdout and stderr in the order written', async t => {
	const chunks: string[] = [];
	const result = await runProcess(['sh', '-c', 'echo one; echo two >&2; sleep 0.3; echo three; exit 4'], {onOutput: chunk => chunks.push(chunk)});
	t.is(result.exitCode, 4);
	t.false(result.cancelled);
	t.is(chunks.join(''), 'one\ntwo\nthree\n');
	t.is(result.output, 'one\ntwo\nthree\n');
	t.true(chunks.length >= 2, 'what came before the pause arrived before the rest');
	t.deepEqual(runFiles(), [], 'the output file is never left on the disk');
});

test.serial('thousands of one-line writes arrive whole and in order, in a few large pieces', async t => {
	const chunks: string[] = [];
	const result = await runProcess(['sh', '-c', 'i=0; while [ $i -lt 5000 ]; do echo "line $i"; i=$((i+1)); done'], {onOutput: chunk => chunks.push(chunk)});
	t.is(result.exitCode, 0);
	const lines = chunks.join('').split('\n').filter(Boolean);
	t.is(lines.length, 5000);
	t.is(lines[4999], 'line 4999');
	t.true(chunks.length < 500, `read in ${chunks.length} pieces, not one per line`);
});

test.serial('a character cut between two reads comes out whole', async t => {
	const chunks: string[] = [];
	// "é" is two bytes; the first is written, then the second after a pause longer than a read's interval.
	await runProcess(['sh', '-c', String.raw`printf "\303"; sleep 0.2; printf "\251\n"`], {onOutput: chunk => chunks.push(chunk)});
	t.is(chunks.join(''), 'é\n');
});

test.serial('the tail kept for messages is bounded', async t => {
	const result = await runProcess(['sh', '-c', String.raw`head -c 200000 /dev/zero | tr "\0" x; echo; echo end`]);
	t.true(result.output.length <= 64 * 1024);
	t.true(result.output.endsWith('end\n'));
});

test.serial('cancelling ends the whole process group', async t => {
	const controller = new AbortController();
	const chunks: string[] = [];
	const run = runProcess(['sh', '-c', 'sleep 30 & echo $!; wait'], {signal: controller.signal, onOutput: chunk => chunks.push(chunk), killAfterMs: 500});
	while (!chunks.join('').includes('\n')) {
		await new Promise(resolve => setTimeout(resolve, 20));
	}

	controller.abort();
	const result = await run;
	t.true(result.cancelled);
	const sleeper = Number(chunks.join('').trim());
	// Gone, or a zombie waiting for init to reap it: either way no longer running.
	const running = () => existsSync(`/proc/${sleeper}`) && readFileSync(`/proc/${sleeper}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
	const deadline = Date.now() + 2000;
	while (running() && Date.now() < deadline) {
		await new Promise(resolve => setTimeout(resolve, 20));
	}

	t.false(running(), 'the background sleep was ended too');
	t.deepEqual(runFiles(), []);
});
