import test from 'ava';
import type {CgroupGroup} from '../../src/host/cgroup/cgroup.ts';
import type {JailInfo} from '../../src/host/proc/jail.ts';
import type {RootlessInfo} from '../../src/host/proc/rootless.ts';
import type {ContainerInfo, Mount} from '../../src/host/types.ts';
import type {Snapshot} from '../../src/workshop/api.ts';
import {describeChanges, madeByStep} from '../../src/workshop/diff.ts';

const shell: ContainerInfo = {pid: 4242, root: '/ubunturoot', own: ['pid', 'mnt', 'net'], command: '/bin/bash', startTime: 1};
const empty: Snapshot = {container: shell, containerMounts: [], hostMounts: [], hostLinks: [], containerLinks: [], files: {}, packages: [], aptLists: 0};
const snap = (patch: Partial<Snapshot>): Snapshot => ({...empty, ...patch});

const v1 = (patch: Partial<CgroupGroup> = {}): CgroupGroup => ({
	name: 'rootcamp', version: 'v1', dirs: {pids: '/sys/fs/cgroup/pids/rootcamp', memory: '/sys/fs/cgroup/memory/rootcamp'},
	controllers: ['pids', 'memory'], procs: [], pidsMax: 'max', memoryMax: 'max', forksRefused: 0, oomKills: 0, ...patch,
});
const v2 = (patch: Partial<CgroupGroup> = {}): CgroupGroup => ({...v1(), version: 'v2', dirs: {pids: '/sys/fs/cgroup/rootcamp', memory: '/sys/fs/cgroup/rootcamp'}, ...patch});

const mount = (target: string, root = '/', fstype = 'ext4', source = '/dev/vda'): Mount => ({id: 1, parent: 0, target, fstype, source, options: 'rw', root, device: '254:0'});
const hostTable = [mount('/'), mount('/proc', '/', 'proc', 'proc'), mount('/sys', '/', 'sysfs', 'sysfs')];
const jail = (pid = 301): JailInfo => ({pid, root: '/', own: ['pid', 'mnt'], command: '/bin/sh', startTime: pid, mountNamespace: 'mnt:[700]'});
const rootless = (uidMap: RootlessInfo['uidMap'] = []): RootlessInfo => ({pid: 5000, startTime: 5000, command: '/bin/sh', userNamespace: 'user:[9]', uid: 65_534, euid: 65_534, uidMap});

const describes = test.macro({
	exec(t, before: Partial<Snapshot>, after: Partial<Snapshot>, expected: string[]) {
		t.deepEqual(describeChanges(snap(before), snap(after), {rootfs: '/ubunturoot'}).map(change => `${change.sign} ${change.text}`), expected);
	},
	title: given => `${given}`,
});

test('v1 group made', describes, {cgroups: {rootcamp: null}}, {cgroups: {rootcamp: v1()}}, ['+ control group rootcamp created (cgroup v1: /sys/fs/cgroup/pids/rootcamp and /sys/fs/cgroup/memory/rootcamp, one directory per controller)']);
test('v2 group made', describes, {cgroups: {rootcamp: null}}, {cgroups: {rootcamp: v2({controllers: []})}}, ['+ control group rootcamp created (cgroup v2: /sys/fs/cgroup/rootcamp)']);
test('v2 controllers handed down', describes, {cgroups: {rootcamp: v2({controllers: []})}}, {cgroups: {rootcamp: v2()}}, ['+ rootcamp now has the pids and memory controllers']);
test('the shell joins', describes, {cgroups: {rootcamp: v1()}}, {cgroups: {rootcamp: v1({procs: [4242]})}}, ['+ the container\'s shell (pid 4242) joined control group rootcamp; its children will be born in it']);
test('the shell leaves', describes, {cgroups: {rootcamp: v1({procs: [4242]})}}, {cgroups: {rootcamp: v1()}}, ['- the container\'s shell (pid 4242) left control group rootcamp']);
test('the bomb is held', describes, {cgroups: {rootcamp: v1({procs: [4242]})}}, {cgroups: {rootcamp: v1({procs: [4242, 4300, 4301], pidsMax: 20, forksRefused: 14})}}, [
	'~ rootcamp pids.max: max → 20 (at most 20 processes in the group, the shell included)',
	'+ rootcamp refused 14 forks at pids.max 20',
]);
test('the hog is killed, v1 names', describes, {cgroups: {rootcamp: v1()}}, {cgroups: {rootcamp: v1({memoryMax: 33_554_432, oomKills: 1})}}, [
	'~ rootcamp memory.limit_in_bytes: max → 32M',
	'+ the OOM killer ended 1 process in rootcamp at memory.limit_in_bytes 32M (the rest of the host was not touched)',
]);
test('v2 names', describes, {cgroups: {rootcamp: v2()}}, {cgroups: {rootcamp: v2({memoryMax: 33_554_432})}}, ['~ rootcamp memory.max: max → 32M']);
test('the group removed', describes, {cgroups: {rootcamp: v1()}}, {cgroups: {rootcamp: null}}, ['- control group rootcamp removed']);
test('groups not watched say nothing', describes, {}, {cgroups: {rootcamp: v1()}}, []);

test('the jail appears with its bind', describes, {hostMounts: [], jail: null}, {hostMounts: [], jail: {shell: jail(), mounts: [...hostTable, mount('/ubunturoot', '/ubunturoot')]}}, [
	'+ jail shell started: pid 301 with its own pid, mnt namespaces',
	'+ /ubunturoot bind-mounted on /ubunturoot (jail only; host mounts unchanged)',
]);
test('pivot_root and umount -l', describes, {jail: {shell: jail(), mounts: [...hostTable, mount('/ubunturoot', '/ubunturoot')]}}, {jail: {shell: jail(), mounts: [mount('/', '/ubunturoot'), mount('/proc', '/', 'proc', 'proc')]}}, [
	'~ the jail\'s / is now /ubunturoot of /dev/vda (pivot_root), no longer / of /dev/vda',
	'- the old root and the 2 mounts under it are gone from the jail\'s table: nothing of the host\'s tree is left to escape to',
]);
test('a proc mounted in the jail', describes, {jail: {shell: jail(), mounts: [mount('/', '/ubunturoot')]}}, {jail: {shell: jail(), mounts: [mount('/', '/ubunturoot'), mount('/proc', '/', 'proc', 'proc')]}}, ['+ proc mounted on /proc (jail only; host mounts unchanged)']);
test('the jail ends', describes, {jail: {shell: jail(), mounts: []}}, {jail: null}, ['- jail shell (pid 301) ended, and its mount namespace with it']);
test('a new jail replaces the old', describes, {jail: {shell: jail(301), mounts: []}}, {jail: {shell: jail(401), mounts: []}}, ['- jail shell (pid 301) ended', '+ jail shell started: pid 401 with its own pid, mnt namespaces']);

test('the rootless shell starts', describes, {rootless: null}, {rootless: rootless()}, ['+ rootless shell started: pid 5000, uid 65534 on the host, in a user namespace of its own; no uid map yet, so inside it is the overflow uid 65534 with no privileges']);
test('its map is written', describes, {rootless: rootless()}, {rootless: rootless([{inside: 0, outside: 65_534, count: 1}])}, ['~ pid 5000\'s uid map: none → 0 65534 1 (root inside is uid 65534 outside)']);
test('it ends', describes, {rootless: rootless()}, {rootless: null}, ['- rootless shell (pid 5000) ended, and its user namespace with it']);
test('not watched, nothing said', describes, {}, {rootless: rootless()}, []);

test('the jail\'s own proc is not the host\'s, though both read `proc proc /proc`', describes, {jail: {shell: jail(), mounts: [mount('/'), {...mount('/proc', '/', 'proc', 'proc'), device: '0:20'}]}}, {jail: {shell: jail(), mounts: [mount('/', '/ubunturoot'), {...mount('/proc', '/', 'proc', 'proc'), device: '0:39'}]}}, [
	'~ the jail\'s / is now /ubunturoot of /dev/vda (pivot_root), no longer / of /dev/vda',
	'+ proc mounted on /proc (jail only; host mounts unchanged)',
	'- the old root and the 1 mount under it are gone from the jail\'s table: nothing of the host\'s tree is left to escape to',
]);

test('v2: the root hands pids and memory down', describes, {cgroups: {rootcamp: null}, subtreeControl: {'/sys/fs/cgroup': []}}, {cgroups: {rootcamp: v2()}, subtreeControl: {'/sys/fs/cgroup': ['pids', 'memory']}}, [
	'+ /sys/fs/cgroup now hands pids and memory down to the groups under it (cgroup.subtree_control)',
	'+ control group rootcamp created (cgroup v2: /sys/fs/cgroup/rootcamp)',
]);
test('v2: a root that already handed them down (systemd) changes nothing', describes, {subtreeControl: {'/sys/fs/cgroup': ['memory', 'pids']}}, {subtreeControl: {'/sys/fs/cgroup': ['memory', 'pids']}}, []);

test('the journal keeps what the step turned on, and only that, for reset to turn off', t => {
	const before = snap({cgroups: {rootcamp: null}, subtreeControl: {'/sys/fs/cgroup': ['cpu']}});
	const after = snap({cgroups: {rootcamp: v2()}, subtreeControl: {'/sys/fs/cgroup': ['cpu', 'pids', 'memory']}});
	t.deepEqual(madeByStep(before, after, {rootfs: '/ubunturoot', variables: {tarball: undefined, source: undefined}}), [
		{kind: 'cgroup', path: '/sys/fs/cgroup/rootcamp'},
		{kind: 'subtree', path: '/sys/fs/cgroup', controllers: ['pids', 'memory']},
	]);
});
