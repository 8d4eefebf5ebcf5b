import {spawnSync} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {withoutSandboxOption} from '../../src/commands/sandbox.ts';
import {planGroups} from '../../src/sandbox/cgroups.ts';
import {idMapFinding, whyNoUserNamespaces} from '../../src/sandbox/doctor.ts';
import {enterCommand} from '../../src/sandbox/enter.ts';
import {firstRange, planIdMap, unshareUserOptions} from '../../src/sandbox/id-map.ts';
import {checkSandboxName, sandboxLayout} from '../../src/sandbox/layout.ts';
import {sandboxNote} from '../../src/sandbox/note.ts';
import type {SandboxRecord} from '../../src/sandbox/record.ts';
import {planRoot} from '../../src/sandbox/root-plan.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';

const folder = temporaryFolders('rootcamp-sandbox-unit-');

test('the rootcamp inside gets every argument but --sandbox and its value, in either spelling', t => {
	t.deepEqual(withoutSandboxOption(['--sandbox', 's1', 'solve', 'copy', '--yes']), ['solve', 'copy', '--yes']);
	t.deepEqual(withoutSandboxOption(['verify', '--sandbox=s2', '--json']), ['verify', '--json']);
	t.deepEqual(withoutSandboxOption(['--rootfs', '/x']), ['--rootfs', '/x']);
});

test('a sandbox name is a safe file and group name', t => {
	t.is(checkSandboxName('s1'), 's1');
	t.is(checkSandboxName('class-2b'), 'class-2b');
	for (const name of ['', '../x', 'a/b', '-x', 'a b', 'x'.repeat(41)]) {
		t.throws(() => checkSandboxName(name), {message: /letters, digits and dashes/}, name);
	}
});

test('a sandbox keeps everything in its own folder under rootcamp\'s state', t => {
	const layout = sandboxLayout({state: '/s/rootcamp', cache: '/c/rootcamp', run: '/s/rootcamp/run'}, 'lab');
	t.like(layout, {dir: '/s/rootcamp/sandboxes/lab', root: '/s/rootcamp/sandboxes/lab/root', state: '/s/rootcamp/sandboxes/lab/state', cache: '/s/rootcamp/sandboxes/lab/cache'});
});

test('the note is shown only inside a sandbox', t => {
	t.is(sandboxNote({ROOTCAMP_SANDBOX: 'lab'}), 'sandbox lab; the host\'s network is untouched');
	t.is(sandboxNote({}), undefined);
});

/** A /proc with only what planGroups reads: this process's mount table and control groups. */
const fakeProc = (mountinfo: string, cgroup: string) => {
	const proc = folder();
	mkdirSync(join(proc, 'self'));
	writeFileSync(join(proc, 'self/mountinfo'), mountinfo);
	writeFileSync(join(proc, 'self/cgroup'), cgroup);
	return proc;
};

test('on cgroup v1 the groups sit beside the maker\'s own, in every hierarchy the host has (runc wants them all), pids and memory first', t => {
	const proc = fakeProc([
		'29 25 0:25 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,release_agent=/x,name=systemd',
		'32 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct',
		'30 25 0:26 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids',
		'31 25 0:27 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory',
		'33 25 0:29 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices',
		'34 25 0:29 / /mnt/devices-again rw,relatime - cgroup cgroup rw,devices',
		'35 25 0:30 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate',
	].join('\n'), '9:name=systemd:/user.slice\n8:pids:/\n4:memory:/job/42\n3:devices:/\n2:cpu,cpuacct:/\n0::/user.slice\n');
	const groups = planGroups('s1', {proc});
	t.deepEqual(groups.roots, [
		'/sys/fs/cgroup/pids/rootcamp-sandbox-s1',
		'/sys/fs/cgroup/memory/job/42/rootcamp-sandbox-s1',
		'/sys/fs/cgroup/systemd/user.slice/rootcamp-sandbox-s1',
		'/sys/fs/cgroup/cpu,cpuacct/rootcamp-sandbox-s1',
		'/sys/fs/cgroup/devices/rootcamp-sandbox-s1',
		'/sys/fs/cgroup/unified/user.slice/rootcamp-sandbox-s1',
	]);
	t.deepEqual(groups.members, groups.roots);
	t.is(groups.init, undefined, 'on v1 the holder stays in the groups it joined');
	t.deepEqual(groups.mounts, [
		{version: 'v1', controllers: ['pids'], target: '/sys/fs/cgroup/pids'},
		{version: 'v1', controllers: ['memory'], target: '/sys/fs/cgroup/memory'},
		{version: 'v1', controllers: ['name=systemd'], flags: ['xattr'], target: '/sys/fs/cgroup/systemd'},
		{version: 'v1', controllers: ['cpu', 'cpuacct'], target: '/sys/fs/cgroup/cpu,cpuacct'},
		{version: 'v1', controllers: ['devices'], target: '/sys/fs/cgroup/devices'},
		{version: 'v2', controllers: [], target: '/sys/fs/cgroup/unified'},
	], 'each hierarchy once, with its name and flags but no release agent; a hybrid host\'s cgroup2 too');
	const dir = folder();
	const layout = sandboxLayout({state: join(dir, 'state'), cache: join(dir, 'cache'), run: join(dir, 'state/run')}, 'lab');
	mkdirSync(layout.root, {recursive: true});
	const after = planRoot(layout, {state: '/s', cache: '/c', run: '/s/run'}, groups).after.split('\n');
	t.true(after.includes('cgroup /sys/fs/cgroup tmpfs mode=755 0 0'), 'the hierarchies\' folder is the sandbox\'s own tmpfs');
	t.true(after.includes('cgroup /sys/fs/cgroup/systemd cgroup name=systemd,xattr,X-mount.mkdir 0 0'));
	t.true(after.includes('cgroup /sys/fs/cgroup/cpu,cpuacct cgroup cpu,cpuacct,X-mount.mkdir 0 0'));
	t.true(after.includes('cgroup2 /sys/fs/cgroup/unified cgroup2 X-mount.mkdir 0 0'));
});

/** A cgroup2 tree laid out as systemd has it: the root and a slice hand down pids and memory, the maker's scope holds it. */
const fakeV2 = () => {
	const root = folder();
	const group = (path: string, files: Record<string, string>) => {
		mkdirSync(join(root, path), {recursive: true});
		for (const [file, text] of Object.entries(files)) {
			writeFileSync(join(root, path, file), text);
		}
	};

	group('.', {'cgroup.controllers': 'cpu io memory pids\n', 'cgroup.subtree_control': 'memory pids\n', 'cgroup.procs': '1\n'});
	group('user.slice', {'cgroup.controllers': 'memory pids\n', 'cgroup.subtree_control': '\n', 'cgroup.procs': ''});
	group('user.slice/session-1.scope', {'cgroup.controllers': 'memory pids\n', 'cgroup.subtree_control': '\n', 'cgroup.procs': '4242\n'});
	return {root, proc: fakeProc(`30 25 0:26 / ${root} rw,relatime - cgroup2 cgroup2 rw\n`, '0::/user.slice/session-1.scope\n')};
};

test('on cgroup v2 the sandbox\'s root goes under the nearest group that can hand it pids and memory, never in the maker\'s scope, which holds a process', t => {
	const {root, proc} = fakeV2();
	const groups = planGroups('s1', {proc});
	t.deepEqual(groups.roots, [join(root, 'user.slice/rootcamp-sandbox-s1')], 'the slice: no process of its own, and it is offered both');
	t.deepEqual(groups.members, [join(root, 'user.slice/rootcamp-sandbox-s1/init')], 'every process lives in a leaf');
	t.is(groups.init, join(root, 'init'), 'where the holder moves, as the sandbox sees it');
	writeFileSync(join(root, 'user.slice/cgroup.procs'), '77\n');
	t.deepEqual(planGroups('s1', {proc}).roots, [join(root, 'rootcamp-sandbox-s1')], 'a slice with a process of its own cannot: the root is exempt');
	writeFileSync(join(root, 'user.slice/cgroup.subtree_control'), 'memory pids\n');
	t.deepEqual(planGroups('s1', {proc}).roots, [join(root, 'user.slice/rootcamp-sandbox-s1')], 'one that already hands both down does');
});

test('without pids and memory the sandbox has no groups and says why', t => {
	const proc = fakeProc('1 0 8:1 / / rw - ext4 /dev/vda rw\n', '0::/\n');
	const groups = planGroups('s1', {proc});
	t.deepEqual(groups.roots, []);
	t.regex(groups.missing ?? '', /no cgroup filesystem is mounted/);
});

test('entering joins the sandbox\'s groups from the host, then every namespace of its holder, then the folder', t => {
	const record: SandboxRecord = {
		name: 's1',
		holder: 4242,
		startTime: 1,
		namespaces: {mnt: 'mnt:[1]', net: 'net:[2]', pid: 'pid:[3]'},
		groups: {roots: ['/g/pids/x'], members: ['/g/pids/x', '/g/memory/x'], mounts: []},
		created: '',
	};
	const command = enterCommand(record, ['node', 'cli.js', 'verify'], '/work');
	t.deepEqual(command.slice(3, 7), ['sh', '/g/pids/x', '/g/memory/x', '--']);
	const nsenter = command.indexOf('nsenter');
	t.deepEqual(command.slice(nsenter, nsenter + 11), ['nsenter', '--target', '4242', '--mount', '--net', '--pid', '--uts', '--ipc', '--cgroup', '--time', '--']);
	t.deepEqual(enterCommand({...record, rootless: true}, ['x']).slice(nsenter, nsenter + 5), ['nsenter', '--target', '4242', '--user', '--preserve-credentials'], 'a rootless sandbox\'s user namespace is entered first');
	t.deepEqual(command.slice(-4), ['/work', 'node', 'cli.js', 'verify']);
});

test('a rootless sandbox maps its maker\'s first /etc/subuid and /etc/subgid blocks, found by name or uid', t => {
	const subuid = 'bob:200000:65536\n1001:300000:1000\nalice:100000:65536\n';
	t.deepEqual(firstRange(subuid, 'alice', 1001), {start: 300_000, count: 1000}, 'the first block of alice, by her uid');
	t.deepEqual(firstRange(subuid, 'bob', 1002), {start: 200_000, count: 65_536});
	t.is(firstRange(subuid, 'carol', 1003), undefined);
	t.is(firstRange('carol:x:10\ncarol:5:0\n', 'carol', 1003), undefined, 'a malformed or empty block is none');
	const etc = folder();
	writeFileSync(join(etc, 'subuid'), 'alice:100000:65536\n');
	t.deepEqual(planIdMap({user: 'alice', uid: 1001, etc}), {single: 'alice has no /etc/subgid range'});
	t.deepEqual(planIdMap({user: 'carol', uid: 1003, etc}), {single: 'carol has no /etc/subuid range'});
	writeFileSync(join(etc, 'subgid'), 'alice:165536:65536\n');
	const uidmap = ['newuidmap', 'newgidmap'].every(tool => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
	if (!uidmap) {
		t.regex((planIdMap({user: 'alice', uid: 1001, etc}) as {single: string}).single, /not installed \(apt-get install uidmap\)$/);
	}

	const map = {uid: {start: 100_000, count: 65_536}, gid: {start: 165_536, count: 65_536}};
	if (uidmap) {
		t.deepEqual(planIdMap({user: 'alice', uid: 1001, etc}), map, 'with uidmap installed, the blocks are used');
	}

	t.deepEqual(unshareUserOptions(map), ['--map-root-user', '--map-users=100000,1,65536', '--map-groups=165536,1,65536'], 'root is the maker, 1 and up the blocks');
	t.deepEqual(unshareUserOptions(undefined), ['--map-root-user'], 'without a map, the maker alone');
	t.regex(idMapFinding('alice', map), /65536 uids from 100000.*apt's _apt and a chown to another user work/);
	t.regex(idMapFinding('carol', {single: 'carol has no /etc/subuid range'}), /^carol has no \/etc\/subuid range: only carol is mapped \(to root\), so apt's _apt cannot drop/);
});

test('a sandbox\'s /run is its own tmpfs, never the host\'s bound; only the host\'s resolver files are bound into it, read-only', t => {
	const dir = folder();
	const layout = sandboxLayout({state: join(dir, 'state'), cache: join(dir, 'cache'), run: join(dir, 'state/run')}, 'lab');
	mkdirSync(layout.root, {recursive: true});
	const hostRun = join(dir, 'host-run');
	mkdirSync(join(hostRun, 'systemd/resolve'), {recursive: true});
	mkdirSync(join(hostRun, 'netns'), {recursive: true});
	const groups = {roots: [], members: [], mounts: []};
	const plan = planRoot(layout, {state: '/s', cache: '/c', run: '/s/run'}, groups, {hostRun});
	t.false(plan.before.split('\n').some(row => row.startsWith('/run ')), 'the host\'s /run is not bound');
	t.true(plan.before.split('\n').some(row => row.startsWith('/usr ')), 'while its /usr is');
	const after = plan.after.split('\n');
	t.true(after.includes('run /run tmpfs mode=755,nosuid,nodev 0 0'));
	t.true(after.includes('lock /run/lock tmpfs mode=1777,nosuid,nodev,noexec,X-mount.mkdir 0 0'));
	t.true(after.includes(`/.rootcamp-host${hostRun}/systemd/resolve /run/systemd/resolve none bind,ro,nosuid,nodev,noexec,X-mount.mkdir 0 0`), 'systemd-resolved\'s files, read-only');
	t.false(plan.after.includes('netns'), 'nothing else of the host\'s /run');
	t.false(planRoot(layout, {state: '/s', cache: '/c', run: '/s/run'}, groups, {hostRun: join(dir, 'none')}).after.includes('resolve'), 'a host without systemd-resolved binds nothing');
});

test('rootcamp living under a tree the sandbox has its own of (a clone in /tmp) is bound in at the same path, after that tree\'s tmpfs; elsewhere it is not', t => {
	const dir = folder();
	const layout = sandboxLayout({state: join(dir, 'state'), cache: join(dir, 'cache'), run: join(dir, 'state/run')}, 'lab');
	mkdirSync(layout.root, {recursive: true});
	const groups = {roots: [], members: [], mounts: []};
	const after = planRoot(layout, {state: '/s', cache: '/c', run: '/s/run'}, groups, {hostRun: join(dir, 'none'), carry: ['/tmp/rootcamp-clone', '/usr/lib/node_modules/rootcamp', '/usr']}).after.split('\n');
	const bind = after.indexOf('/.rootcamp-host/tmp/rootcamp-clone /tmp/rootcamp-clone none rbind,X-mount.mkdir 0 0');
	t.true(bind > after.indexOf('tmp /tmp tmpfs mode=1777,nosuid,nodev 0 0'), `the clone is bound onto the sandbox's own /tmp, after it is mounted:\n${after.join('\n')}`);
	t.false(after.some(row => row.includes('/usr')), 'what the sandbox sees of the host already (/usr) is not bound again');
});

test('doctor says why an ordinary user cannot make a user namespace', t => {
	const proc = folder();
	mkdirSync(join(proc, 'sys/kernel'), {recursive: true});
	mkdirSync(join(proc, 'sys/user'), {recursive: true});
	t.is(whyNoUserNamespaces(proc), undefined, 'nothing forbids it');
	writeFileSync(join(proc, 'sys/kernel/apparmor_restrict_unprivileged_userns'), '1\n');
	t.regex(whyNoUserNamespaces(proc) ?? '', /AppArmor/);
	writeFileSync(join(proc, 'sys/kernel/unprivileged_userns_clone'), '0\n');
	t.regex(whyNoUserNamespaces(proc) ?? '', /unprivileged_userns_clone is 0/);
});
