import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import type {CgroupHierarchy} from '../../../src/host/cgroup/cgroup.ts';
import {watchLimit} from '../../../src/host/faas/requests.ts';
import {listenOnSocket} from './fake-service.ts';

/**
 * A request whose container ends early takes its group with it while the caller is still
 * connected: socat half-closes and keeps the connection for its -t. The watch must notice the
 * group is gone, say so and stop, instead of waiting out its time for a hit it can no longer read.
 * A real Unix socket stands in for socat; a folder on tmpfs stands in for the v1 hierarchies.
 */
test('a group removed under an open request is reported vanished, and the watch stops at once', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'rootcamp-faas-requests-'));
	t.teardown(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	const socket = join(dir, 'sock');
	const roots = {pids: join(dir, 'pids'), memory: join(dir, 'memory')};
	const hierarchy: CgroupHierarchy = {version: 'v1', roots, base: dir};
	const group = (root: string) => join(root, 'faas', '77');
	mkdirSync(join(roots.pids, 'faas'), {recursive: true});
	mkdirSync(join(roots.memory, 'faas'), {recursive: true});
	await listenOnSocket(t, socket, connection => {
		connection.on('data', () => undefined);
		// The handler makes the group and writes its limits; the container then dies at once (its
		// PID 1 met the fork limit) and the handler removes the group, the connection still open.
		for (const root of Object.values(roots)) {
			mkdirSync(group(root));
		}

		writeFileSync(join(group(roots.pids), 'pids.max'), '32\n');
		writeFileSync(join(group(roots.pids), 'pids.events'), 'max 0\n');
		writeFileSync(join(group(roots.memory), 'memory.limit_in_bytes'), '33554432\n');
		setTimeout(() => {
			for (const root of Object.values(roots)) {
				rmSync(group(root), {recursive: true});
			}

			connection.write('/function: line 15: can\'t fork: Resource temporarily unavailable\n');
			connection.end();
		}, 300);
	});

	const started = Date.now();
	const {groups, answer} = await watchLimit(socket, {request: 'forkbomb', hit: 'pids', cgroup: 'faas', hierarchy, timeoutMs: 10_000});
	t.deepEqual(groups, [{name: 'faas/77', pidsMax: 32, memoryMax: 33_554_432, forksRefused: 0, oomKills: 0, vanished: true}]);
	t.regex(answer.text, /can't fork/);
	t.true(Date.now() - started < 3000, `the watch stopped once the group was gone, not at its 10 s limit (${Date.now() - started} ms)`);
});
