import {mkdtemp, mkdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {listRuncContainers, readBundle, readRuncContainer} from '../../../src/host/tools/runc.ts';

const scratchDir = async (t: ExecutionContext) => {
	const dir = await mkdtemp(join(tmpdir(), 'rootcamp-runc-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	return dir;
};

/** A state.json as runc 1.1.5 writes it (the fields rootcamp reads). */
const state = (pid: number, start: number) => JSON.stringify({
	id: 'rootcamp',
	init_process_pid: pid,
	init_process_start: start,
	config: {rootfs: '/ubunturoot', labels: ['bundle=/root/.cache/rootcamp/runc']},
	cgroup_paths: {pids: '/sys/fs/cgroup/pids/runc-rootcamp', memory: '/sys/fs/cgroup/memory/runc-rootcamp', '': '/sys/fs/cgroup/unified/runc-rootcamp'},
});

const stat = (pid: number, start: number, state = 'S') => `${pid} (sleep) ${state} 1 ${pid} ${pid} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${start} 0 0\n`;

const fixture = async (t: ExecutionContext, {pid = 4622, saved = 42_688, running = 42_688, procState = 'S'} = {}) => {
	const dir = await scratchDir(t);
	await mkdir(join(dir, 'runc', 'rootcamp'), {recursive: true});
	await writeFile(join(dir, 'runc', 'rootcamp', 'state.json'), state(pid, saved));
	await mkdir(join(dir, 'proc', String(pid)), {recursive: true});
	await writeFile(join(dir, 'proc', String(pid), 'stat'), stat(pid, running, procState));
	return {root: join(dir, 'runc'), proc: join(dir, 'proc')};
};

test('a running container: its init, root, bundle and control groups', async t => {
	const {root, proc} = await fixture(t);
	t.deepEqual(readRuncContainer('rootcamp', {root, proc}), {
		id: 'rootcamp',
		pid: 4622,
		startTime: 42_688,
		rootfs: '/ubunturoot',
		bundle: '/root/.cache/rootcamp/runc',
		running: true,
		cgroupPaths: ['/sys/fs/cgroup/pids/runc-rootcamp', '/sys/fs/cgroup/memory/runc-rootcamp', '/sys/fs/cgroup/unified/runc-rootcamp'],
	});
	t.deepEqual(listRuncContainers({root, proc}).map(container => container.id), ['rootcamp']);
});

test('a reused PID or a zombie init is not running', async t => {
	const reused = await fixture(t, {running: 99_999});
	t.false(readRuncContainer('rootcamp', reused)?.running);
	const zombie = await fixture(t, {procState: 'Z'});
	t.false(readRuncContainer('rootcamp', zombie)?.running);
});

test('no state, no container; no runc root, an empty list', async t => {
	const {root, proc} = await fixture(t);
	t.is(readRuncContainer('other', {root, proc}), null);
	t.deepEqual(listRuncContainers({root: join(root, 'missing'), proc}), []);
});

test('a bundle\'s config.json: root.path resolved against the bundle, terminal, args, cgroupsPath', async t => {
	const dir = await scratchDir(t);
	t.is(readBundle(dir), null);
	await writeFile(join(dir, 'config.json'), JSON.stringify({process: {terminal: true, args: ['sh']}, root: {path: 'rootfs', readonly: true}}));
	t.deepEqual(readBundle(dir), {rootPath: join(dir, 'rootfs'), readonly: true, terminal: true, args: ['sh']});
	await writeFile(join(dir, 'config.json'), JSON.stringify({process: {terminal: false, args: ['sleep', '1000000']}, root: {path: '/ubunturoot'}, linux: {cgroupsPath: '/runc-rootcamp'}}));
	t.deepEqual(readBundle(dir), {rootPath: '/ubunturoot', terminal: false, args: ['sleep', '1000000'], cgroupsPath: '/runc-rootcamp'});
	await writeFile(join(dir, 'config.json'), '{"process": ');
	t.regex(readBundle(dir)?.problem ?? '', /^config\.json is not valid JSON/);
});
