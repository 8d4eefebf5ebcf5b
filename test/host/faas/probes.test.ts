import {appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {faasProbes} from '../../../src/host/faas/probes.ts';
import {listProcesses} from '../../../src/host/proc/processes.ts';
import {fakeProc} from '../../helpers/fake-proc.ts';
import {listenOnSocket} from './fake-service.ts';

/**
 * The faas probes remember an answer while the service and its scripts are unchanged: the app
 * judges a step every 700 ms, and each round must not send the learner's service a fork bomb again.
 * A real Unix socket that counts its callers stands in for socat; a fake /proc names it socat,
 * with its standard output and error going to the lesson's log, as `> faas/log 2>&1` makes them.
 */
test('an answer is remembered while the handler is unchanged, whatever the service writes to its log; an edited handler is asked again', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'rootcamp-faas-probes-'));
	t.teardown(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	const socket = join(dir, 'sock');
	const handler = join(dir, 'handler');
	const log = join(dir, 'log');
	writeFileSync(handler, '#!/bin/sh\n');
	writeFileSync(log, '');
	let callers = 0;
	await listenOnSocket(t, socket, connection => {
		callers++;
		connection.on('data', () => undefined);
		connection.on('end', () => {
			connection.end('hostname: faas-1\n');
		});
	});

	const proc = await fakeProc(t, {
		100: {command: 'node'},
		500: {command: 'socat', start: 5, cmdline: `socat\0-t\0${'10'}\0UNIX-LISTEN:${socket},fork,mode=600\0EXEC:${handler}\0`},
	}, 100);
	mkdirSync(join(proc, '500/fd'));
	symlinkSync(log, join(proc, '500/fd/1'));
	symlinkSync(log, join(proc, '500/fd/2'));
	// A fresh set of probes per round, as the engine makes them; what they remember outlives the round.
	const round = () => faasProbes({proc, once: async (_key, read) => read(), processes: async () => listProcesses({proc}), cgroupHierarchy: async () => ({version: 'none', reason: 'not needed'})});

	t.regex((await round().faasAsk(socket, 'whoami')).text, /^hostname: faas-1$/m);
	t.is(callers, 1);
	t.regex((await round().faasAsk(socket, 'whoami')).text, /^hostname: faas-1$/m, 'the remembered answer');
	t.is(callers, 1, 'the same question to the same service is not asked again');
	// socat logs "Broken pipe" whenever a caller hangs up before the function is done.
	appendFileSync(log, 'socat[700] E write(6, 0x1, 9): Broken pipe\n');
	await round().faasAsk(socket, 'whoami');
	t.is(callers, 1, 'the service\'s own log is not one of its scripts');
	appendFileSync(handler, 'echo edited\n');
	await round().faasAsk(socket, 'whoami');
	t.is(callers, 2, 'an edited handler is asked again');
});
