import test from 'ava';
import {commandArgv, runCheckCommand} from '../../../src/host/tools/command.ts';

test('host commands run through sh -c', t => {
	t.deepEqual(commandArgv('host', 'echo hi'), ['sh', '-c', 'echo hi']);
});

test('container commands enter every namespace, the root and the cwd of the shell', t => {
	t.deepEqual(commandArgv('container', 'ip a', 42), ['nsenter', '-t', '42', '-a', '-r', '-w', '/bin/sh', '-c', 'ip a']);
});

test('a container command needs a pid', t => {
	t.throws(() => commandArgv('container', 'ip a'), {message: /no container/});
});

test('collects exit code and output', async t => {
	t.like(await runCheckCommand('host', 'echo out; echo err >&2; exit 3'), {exitCode: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false});
});

test('success is exit 0', async t => {
	t.like(await runCheckCommand('host', 'true'), {exitCode: 0, timedOut: false});
});

test('a timeout ends the whole process group, not only sh', async t => {
	const started = Date.now();
	const outcome = await runCheckCommand('host', 'echo before; sleep 30; echo after', {timeout: 300});
	t.true(outcome.timedOut);
	t.is(outcome.stdout, 'before\n');
	t.true(Date.now() - started < 5000);
});
