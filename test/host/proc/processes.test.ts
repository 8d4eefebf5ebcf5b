import {spawn} from 'node:child_process';
import {readFileSync} from 'node:fs';
import test from 'ava';
import {childrenOf, isRunning, listProcesses, listProcessesRootedAt, parseStat, readCommandLine, readInnermostPid, stripDeleted} from '../../../src/host/proc/processes.ts';
import {procFixture} from '../../helpers/proc-fixture.ts';

const stat = test.macro({
	exec(t, text: string, expected: ReturnType<typeof parseStat>) {
		t.deepEqual(parseStat(text), expected);
	},
	title: given => `parseStat: ${given}`,
});

const tail = 'S 200 201 201 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 5001 8417280 900';
test('a plain command', stat, `201 (bash) ${tail}`, {pid: 201, command: 'bash', ppid: 200, startTime: 5001, flags: 4_194_560});
test('a command with spaces and parentheses', stat, `7 (my (odd) cmd) ${tail}`, {pid: 7, command: 'my (odd) cmd', ppid: 200, startTime: 5001, flags: 4_194_560});
test('a truncated line', stat, '201 (bash) S 200', undefined);
test('garbage', stat, 'not a stat line', undefined);

test('lists fixture processes, skipping one that vanished', async t => {
	const proc = await procFixture(t, 'proc-container');
	const processes = await listProcesses({proc});
	t.deepEqual(processes.map(info => info.pid).sort((a, b) => a - b), [1, 100, 150, 200, 201, 202, 300, 500, 600]);
	t.like(processes.find(info => info.pid === 201), {ppid: 200, root: '/ubunturoot', startTime: 5001, command: 'bash'});
});

test('leaves out kernel threads (PF_KTHREAD in stat\'s flags)', async t => {
	const proc = await procFixture(t, 'proc-container');
	t.true((await listProcesses({proc})).every(info => info.pid !== 2));
	// Still found by its root, where a caller asks for one (a kernel thread's root is `/`).
	t.deepEqual((await listProcessesRootedAt('/', {proc})).map(info => info.pid).sort((a, b) => a - b), [2, 100, 150, 200]);
});

test('an unreadable root is undefined', async t => {
	const proc = await procFixture(t, 'proc-container');
	const processes = await listProcesses({proc});
	t.is(processes.find(info => info.pid === 500)?.root, undefined);
	t.false('root' in processes.find(info => info.pid === 500)!);
});

test('listProcessesRootedAt reads only processes in that root', async t => {
	const proc = await procFixture(t, 'proc-container');
	const processes = await listProcessesRootedAt('/ubunturoot', {proc});
	t.deepEqual(processes.map(info => info.pid).sort((a, b) => a - b), [201, 202, 300]);
});

test('stripDeleted', t => {
	t.is(stripDeleted('/ubunturoot (deleted)'), '/ubunturoot');
	t.is(stripDeleted('/ubunturoot'), '/ubunturoot');
});

test('readCommandLine joins NUL-separated words', async t => {
	const proc = await procFixture(t, 'proc-container');
	t.is(await readCommandLine(200, {proc}), 'unshare --fork --pid --mount-proc chroot /ubunturoot /bin/bash');
	t.is(await readCommandLine(99_999, {proc}), undefined);
});

test('readInnermostPid is 1 for a PID namespace\'s init', async t => {
	const proc = await procFixture(t, 'proc-container');
	t.is(await readInnermostPid(201, {proc}), 1);
	t.is(await readInnermostPid(202, {proc}), 2);
	t.is(await readInnermostPid(99_999, {proc}), undefined);
});

test('lists the real /proc quickly, including this process', async t => {
	await listProcesses();
	const started = performance.now();
	const processes = await listProcesses();
	const elapsed = performance.now() - started;
	t.true(processes.some(info => info.pid === process.pid && info.ppid === process.ppid));
	// kthreadd, the parent of every kernel thread, is PID 2 outside a PID namespace.
	t.false(processes.some(info => info.command === 'kthreadd' || info.ppid === 2));
	t.log(`${processes.length} processes in ${elapsed.toFixed(1)} ms`);
	// Generous: the point is to catch an accidental O(n) of process spawns, not to benchmark.
	t.true(elapsed < 250);
});

test('childrenOf names a live child of a real process until it ends, and nothing for a process that is gone', async t => {
	const parent = spawn('sh', ['-c', 'sleep 30 & wait'], {stdio: 'ignore'});
	t.teardown(() => parent.kill('SIGKILL'));
	const deadline = Date.now() + 5000;
	while (childrenOf(parent.pid!).length === 0 && Date.now() < deadline) {
		await new Promise(resolve => setTimeout(resolve, 20));
	}

	const [child] = childrenOf(parent.pid!);
	t.truthy(child, 'the sleep is a child of the sh');
	process.kill(child!, 'SIGKILL');
	await new Promise(resolve => parent.once('exit', resolve));
	t.deepEqual(childrenOf(parent.pid!), []);
	t.deepEqual(childrenOf(99_999_999), []);
});

test('isRunning: a live process runs; a zombie and a gone PID do not', async t => {
	// `sleep 0 &` exits at once, and its parent then execs a sleep, which never reaps it: a zombie.
	const parent = spawn('sh', ['-c', 'sleep 0 & exec sleep 5'], {stdio: 'ignore'});
	t.teardown(() => parent.kill('SIGKILL'));
	const deadline = Date.now() + 5000;
	const zombie = async () => {
		while (Date.now() < deadline) {
			const [child] = childrenOf(parent.pid!);
			if (child !== undefined && readFileSync(`/proc/${child}/stat`, 'utf8').includes(') Z ')) {
				return child;
			}

			await new Promise(resolve => setTimeout(resolve, 10));
		}

		return undefined;
	};

	const child = await zombie();
	t.truthy(child, 'the zombie is there to be looked at');
	t.false(isRunning(child!));
	t.true(isRunning(parent.pid!));
	t.false(isRunning(99_999_999));
});
