import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {findFaasServices, parseSocatListener} from '../../../src/host/faas/service.ts';
import type {ProcessInfo} from '../../../src/host/proc/processes.ts';

const parses = test.macro({
	exec(t, argv: string[], expected: ReturnType<typeof parseSocatListener>) {
		t.deepEqual(parseSocatListener(argv), expected);
	},
	title: (given, argv: string[]) => given || argv.join(' '),
});

test(parses, ['socat', 'UNIX-LISTEN:/w/faas/sock,fork,mode=600,unlink-early', 'EXEC:/w/faas/handler'], {socket: '/w/faas/sock', handler: '/w/faas/handler'});
test(parses, ['socat', '-d', '-lf', '/tmp/log', 'unix-l:/w/sock,fork', 'SYSTEM:/w/handler --flag'], {socket: '/w/sock', handler: '/w/handler'});
test(parses, ['socat', 'EXEC:/w/handler', 'UNIX-LISTEN:/w/sock'], {socket: '/w/sock', handler: '/w/handler'});
test(parses, ['socat', 'UNIX-LISTEN:/w/sock', 'STDOUT'], {socket: '/w/sock'});
test('a TCP listener is not a faas service', parses, ['socat', 'TCP-LISTEN:8080,fork', 'EXEC:/w/handler'], undefined);
test('a client is not a service', parses, ['socat', '-', 'UNIX-CONNECT:/w/sock'], undefined);
test('a relative socket is not one rootcamp talks to', parses, ['socat', 'UNIX-LISTEN:sock,fork', 'EXEC:/w/handler'], undefined);

test('finds the listener, not the copies it forked for each connection', t => {
	const proc = mkdtempSync(join(tmpdir(), 'rootcamp-faas-proc-'));
	t.teardown(() => {
		rmSync(proc, {recursive: true, force: true});
	});
	const argv = (words: string[]) => `${words.join('\0')}\0`;
	const processes: ProcessInfo[] = [];
	const add = (pid: number, ppid: number, command: string, words: string[]) => {
		mkdirSync(join(proc, String(pid)));
		writeFileSync(join(proc, String(pid), 'cmdline'), argv(words));
		processes.push({pid, ppid, command, startTime: pid * 10});
	};

	const listen = ['socat', 'UNIX-LISTEN:/w/sock,fork', 'EXEC:/w/handler'];
	add(10, 1, 'socat', listen);
	add(11, 10, 'socat', listen);
	add(12, 11, 'handler', ['/bin/sh', '/w/handler']);
	add(20, 1, 'socat', ['socat', '-', 'UNIX-CONNECT:/w/sock']);
	add(30, 1, 'socat', ['socat', 'UNIX-LISTEN:/other/sock', 'EXEC:/other/handler']);
	t.deepEqual(findFaasServices(processes, {proc}), [
		{pid: 10, startTime: 100, socket: '/w/sock', handler: '/w/handler'},
		{pid: 30, startTime: 300, socket: '/other/sock', handler: '/other/handler'},
	]);
});
