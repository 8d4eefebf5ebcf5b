import {mkdir, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {
	chooseHierarchy, formatLimit, groupOf, isGroupName, parseCgroupMounts, parseKeyed, parseLimit, parseProcCgroup,
	parseProcs, parseSize, readCgroupGroup, readCgroupHierarchy, type CgroupMount,
} from '../../../src/host/cgroup/cgroup.ts';
import {fakeProc} from '../../helpers/fake-proc.ts';

/** This machine's kind: v1 controllers, and an empty cgroup2 at /sys/fs/cgroup/unified (hybrid). */
const hybrid = [
	'30 22 0:27 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755',
	'31 30 0:28 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu',
	'34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
	'38 30 0:35 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
	'39 30 0:36 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd',
	'40 30 0:37 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate',
].join('\n');

/** Most learners' hosts: one cgroup2 tree at /sys/fs/cgroup. */
const unified = '30 22 0:27 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot';

test('v1 mounts carry their controllers, v2 none', t => {
	t.deepEqual(parseCgroupMounts(hybrid), [
		{target: '/sys/fs/cgroup/cpu', version: 'v1', controllers: ['cpu']},
		{target: '/sys/fs/cgroup/memory', version: 'v1', controllers: ['memory']},
		{target: '/sys/fs/cgroup/pids', version: 'v1', controllers: ['pids']},
		{target: '/sys/fs/cgroup/systemd', version: 'v1', controllers: []},
		{target: '/sys/fs/cgroup/unified', version: 'v2', controllers: []},
	]);
});

test('co-mounted v1 controllers', t => {
	t.deepEqual(parseCgroupMounts('32 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct')[0]?.controllers, ['cpu', 'cpuacct']);
});

const chooses = test.macro({
	exec(t, mountinfo: string, offered: Record<string, string>, expected: {version: string; roots?: object; base?: string; reason?: RegExp}) {
		const hierarchy = chooseHierarchy(parseCgroupMounts(mountinfo), target => (offered[target] ?? '').split(' ').filter(Boolean));
		const {reason, ...rest} = expected;
		t.like(hierarchy, rest);
		if (reason !== undefined) {
			t.regex((hierarchy as {reason: string}).reason, reason);
		}
	},
	title: given => `hierarchy: ${given}`,
});

test('a hybrid host uses v1; its empty unified tree does not count', chooses, hybrid, {'/sys/fs/cgroup/unified': 'hugetlb'}, {version: 'v1', roots: {pids: '/sys/fs/cgroup/pids', memory: '/sys/fs/cgroup/memory'}, base: '/sys/fs/cgroup'});
test('a v2 host', chooses, unified, {'/sys/fs/cgroup': 'cpuset cpu io memory hugetlb pids rdma misc'}, {version: 'v2', roots: {pids: '/sys/fs/cgroup', memory: '/sys/fs/cgroup'}, base: '/sys/fs/cgroup'});
test('v2 without the controllers at its root', chooses, unified, {'/sys/fs/cgroup': 'cpu io'}, {version: 'none', reason: /offers only "cpu io", not pids and memory/});
test('pids on v1, memory nowhere', chooses, '38 30 0:35 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids', {}, {version: 'none', reason: /pids controller is on a cgroup v1 hierarchy but memory is not/});
test('no cgroup filesystem at all', chooses, '26 1 254:0 / / rw - ext4 /dev/vda rw', {}, {version: 'none', reason: /no cgroup filesystem is mounted/});
test('v1 mounted elsewhere has no {{cgroupfs}}', chooses, '1 0 0:1 / /cg/p rw - cgroup cgroup rw,pids\n2 0 0:2 / /cg/m rw - cgroup cgroup rw,memory', {}, {version: 'v1', roots: {pids: '/cg/p', memory: '/cg/m'}, base: undefined});

test('readCgroupHierarchy reads the mount table and the controllers file', async t => {
	const root = await mkdtemp(join(tmpdir(), 'rootcamp-cgroupfs-'));
	t.teardown(async () => rm(root, {recursive: true, force: true}));
	await writeFile(join(root, 'cgroup.controllers'), 'cpu memory pids\n');
	const proc = await fakeProc(t, {100: {mountinfo: `30 22 0:27 / ${root} rw - cgroup2 cgroup2 rw\n`}}, 100);
	t.like(readCgroupHierarchy({proc}), {version: 'v2', base: root});
});

test('readCgroupHierarchy without a mount table says why', t => {
	t.like(readCgroupHierarchy({proc: '/nonexistent-proc'}), {version: 'none'});
});

test('/proc/PID/cgroup on v1 and v2', t => {
	const v1 = parseProcCgroup('8:pids:/rootcamp\n4:memory:/rootcamp\n1:cpu,cpuacct:/\n0::/\n');
	t.deepEqual(v1[2], {id: 1, controllers: ['cpu', 'cpuacct'], path: '/'});
	t.is(groupOf(v1, 'v1', 'pids'), '/rootcamp');
	t.is(groupOf(v1, 'v1', 'memory'), '/rootcamp');
	const v2 = parseProcCgroup('0::/user.slice/user-1000.slice/session-2.scope\n');
	t.is(groupOf(v2, 'v2', 'memory'), '/user.slice/user-1000.slice/session-2.scope');
	t.is(groupOf(v2, 'v1', 'memory'), undefined);
});

const values = test.macro({
	exec(t, parse: (input: never) => unknown, input: unknown, expected: unknown) {
		t.deepEqual(parse(input as never), expected);
	},
	title: (given, _parse, input: unknown) => `${given}: ${JSON.stringify(input)}`,
});

test('limit', values, parseLimit, 'max\n', 'max');
test('limit', values, parseLimit, '20\n', 20);
test('limit: v1 writes no limit as a huge number', values, parseLimit, '9223372036854771712\n', 'max');
test('limit', values, parseLimit, 'garbage', undefined);
test('keyed', values, parseKeyed, 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n', {oom_kill_disable: 0, under_oom: 0, oom_kill: 1});
test('keyed', values, parseKeyed, 'max 14\n', {max: 14});
test('procs', values, parseProcs, '12\n7\n\n', [12, 7]);
test('size', values, parseSize, '32M', 33_554_432);
test('size', values, parseSize, '32m', 33_554_432);
test('size', values, parseSize, '1G', 1024 ** 3);
test('size', values, parseSize, '4096', 4096);
test('size', values, parseSize, 'max', 'max');
test('size', values, parseSize, '32MB', undefined);
test('format', values, formatLimit, 33_554_432, '32M');
test('format', values, formatLimit, 1000, '1000');
test('format', values, formatLimit, 'max', 'max');
test('group name', values, isGroupName, 'rootcamp', true);
test('group name', values, isGroupName, 'docker/box-1', true);
test('group name', values, isGroupName, '/rootcamp', false);
test('group name', values, isGroupName, 'rootcamp/../..', false);
test('group name', values, isGroupName, 'a b', false);

/** A fake cgroupfs: files by path under a temporary root, which the hierarchy's roots point into. */
async function cgroupfs(t: ExecutionContext, files: Record<string, string>): Promise<string> {
	const root = await mkdtemp(join(tmpdir(), 'rootcamp-cgroupfs-'));
	t.teardown(async () => rm(root, {recursive: true, force: true}));
	for (const [path, text] of Object.entries(files)) {
		await mkdir(join(root, path, '..'), {recursive: true});
		await writeFile(join(root, path), text);
	}

	return root;
}

test('a v2 group: one directory, its controllers, limits and counters', async t => {
	const root = await cgroupfs(t, {
		'rootcamp/cgroup.controllers': 'memory pids\n',
		'rootcamp/cgroup.procs': '4242\n4250\n',
		'rootcamp/pids.max': '20\n',
		'rootcamp/pids.events': 'max 14\n',
		'rootcamp/memory.max': '33554432\n',
		'rootcamp/memory.events': 'low 0\nhigh 0\nmax 40\noom 1\noom_kill 1\noom_group_kill 0\n',
	});
	const group = await readCgroupGroup({version: 'v2', roots: {pids: root, memory: root}}, 'rootcamp');
	t.deepEqual(group, {
		name: 'rootcamp', version: 'v2', dirs: {pids: join(root, 'rootcamp'), memory: join(root, 'rootcamp')},
		controllers: ['pids', 'memory'], procs: [4242, 4250], pidsMax: 20, memoryMax: 33_554_432, forksRefused: 14, oomKills: 1,
	});
});

test('a fresh v2 group whose parent hands down nothing', async t => {
	const root = await cgroupfs(t, {'rootcamp/cgroup.controllers': '\n', 'rootcamp/cgroup.procs': ''});
	t.like(await readCgroupGroup({version: 'v2', roots: {pids: root, memory: root}}, 'rootcamp'), {controllers: [], procs: []});
});

test('a v1 group: a directory per controller, v1 file names', async t => {
	const root = await cgroupfs(t, {
		'pids/rootcamp/cgroup.procs': '4242\n',
		'pids/rootcamp/pids.max': 'max\n',
		'pids/rootcamp/pids.events': 'max 0\n',
		'memory/rootcamp/cgroup.procs': '4242\n4243\n',
		'memory/rootcamp/memory.limit_in_bytes': '9223372036854771712\n',
		'memory/rootcamp/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
	});
	const group = await readCgroupGroup({version: 'v1', roots: {pids: join(root, 'pids'), memory: join(root, 'memory')}}, 'rootcamp');
	t.like(group, {version: 'v1', controllers: ['pids', 'memory'], procs: [4242, 4243], pidsMax: 'max', memoryMax: 'max', forksRefused: 0, oomKills: 0});
});

test('a v1 group made in one tree only', async t => {
	const root = await cgroupfs(t, {'pids/rootcamp/cgroup.procs': '', 'memory/other/cgroup.procs': ''});
	const group = await readCgroupGroup({version: 'v1', roots: {pids: join(root, 'pids'), memory: join(root, 'memory')}}, 'rootcamp');
	t.like(group, {controllers: ['pids'], procs: []});
	t.is(group?.memoryMax, undefined);
});

test('no group: null', async t => {
	const root = await cgroupfs(t, {'cgroup.procs': ''});
	t.is(await readCgroupGroup({version: 'v2', roots: {pids: root, memory: root}}, 'rootcamp'), null);
	t.is(await readCgroupGroup({version: 'none', reason: 'x'}, 'rootcamp'), null);
});

test('the mount parser ignores other filesystems', t => {
	const mounts: CgroupMount[] = parseCgroupMounts('26 1 254:0 / / rw - ext4 /dev/vda rw\n21 26 0:20 / /proc rw - proc proc rw');
	t.deepEqual(mounts, []);
});
