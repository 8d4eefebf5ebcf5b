import test from 'ava';
import * as runc from '../../src/check/kinds/runc.ts';
import * as security from '../../src/check/kinds/security.ts';
import {runtimeFacts, runtimeTable} from '../../src/check/runtime-table.ts';
import type {ProcessProfile} from '../../src/host/proc/profile.ts';
import {capabilityNames} from '../../src/host/proc/security.ts';
import type {RuncView} from '../../src/host/runtime-probes.ts';
import type {ContainerInfo, Mount} from '../../src/host/types.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult} from '../helpers/expect-result.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {validates} from '../helpers/validate-macro.ts';

const all = [...capabilityNames];
const runcCaps = ['cap_kill', 'cap_net_bind_service', 'cap_audit_write'];
const mount = (target: string, fstype: string, options = 'rw,relatime', root = '/'): Mount => ({id: 1, parent: 0, target, fstype, source: fstype, options, root, device: '0:1'});

/** The learner's shell after the write-up: pid, mnt and net of its own, its own /proc, root's capabilities. */
const yours = (changes: Partial<ProcessProfile> = {}): ProcessProfile => ({
	pid: 6365,
	own: ['pid', 'mnt', 'net'],
	mounts: [mount('/proc', 'proc')],
	security: {effective: all, permitted: all, bounding: all, inheritable: [], ambient: [], noNewPrivs: false, seccomp: 'disabled', seccompFilters: 0},
	cgroups: [{id: 8, controllers: ['pids'], path: '/'}],
	...changes,
});

/** runc's init, as runc 1.1.5's default spec makes it on this project's host. */
const theirs: ProcessProfile = {
	pid: 4622,
	own: ['pid', 'net', 'ipc', 'uts', 'mnt'],
	mounts: [
		mount('/', 'ext4', 'ro,relatime', '/ubunturoot'), mount('/proc', 'proc'), mount('/dev', 'tmpfs', 'rw,nosuid'), mount('/dev/pts', 'devpts'), mount('/dev/shm', 'tmpfs'), mount('/dev/mqueue', 'mqueue'),
		mount('/sys', 'sysfs', 'ro,nosuid,nodev,noexec,relatime'), mount('/proc/sys', 'proc', 'ro,relatime', '/sys'), mount('/proc/acpi', 'tmpfs', 'ro,relatime'), mount('/proc/keys', 'tmpfs', 'rw,nosuid', '/null'),
	],
	security: {effective: runcCaps, permitted: runcCaps, bounding: runcCaps, inheritable: [], ambient: [], noNewPrivs: true, seccomp: 'disabled', seccompFilters: 0},
	cgroups: [{id: 8, controllers: ['pids'], path: '/runc-rootcamp'}, {id: 0, controllers: [], path: '/runc-rootcamp'}],
};

const shell: ContainerInfo = {pid: 6365, parentPid: 6364, root: '/ubunturoot', own: ['pid', 'mnt', 'net'], command: '/bin/sh', startTime: 5};
const view = (changes: Partial<RuncView> = {}): RuncView => ({id: 'rootcamp', pid: 4622, startTime: 42_688, rootfs: '/ubunturoot', running: true, cgroupPaths: [], rootedAtRootfs: true, ...changes});

test('the table: one row per fact, read from each profile', t => {
	const rows = runtimeTable(yours(), theirs);
	t.deepEqual(rows.map(row => row.fact), [...runtimeFacts]);
	const row = (fact: string) => rows.find(candidate => candidate.fact === fact);
	t.deepEqual(row('ipc namespace'), {fact: 'ipc namespace', you: 'shared with the host', runc: 'own'});
	t.deepEqual(row('cgroup namespace'), {fact: 'cgroup namespace', you: 'shared with the host', runc: 'shared with the host'});
	t.deepEqual(row('/dev'), {fact: '/dev', you: 'not mounted', runc: 'tmpfs'});
	t.deepEqual(row('/sys'), {fact: '/sys', you: 'not mounted', runc: 'sysfs, read-only'});
	t.deepEqual(row('masked /proc paths'), {fact: 'masked /proc paths', you: 'none', runc: 'acpi, keys'});
	t.deepEqual(row('/proc/sys'), {fact: '/proc/sys', you: 'writable (part of /proc)', runc: 'read-only'});
	t.deepEqual(row('CapEff'), {fact: 'CapEff', you: '41 capabilities', runc: '3: kill, net_bind_service, audit_write'});
	t.deepEqual(row('NoNewPrivs'), {fact: 'NoNewPrivs', you: '0', runc: '1 (set)'});
	t.deepEqual(row('cgroup'), {fact: 'cgroup', you: '/', runc: '/runc-rootcamp'});
});

const table = checkLine('security table runc=rootcamp');

test('security table passes with both containers and carries the table', t => {
	const result = security.judge(table, {form: 'table', name: 'rootcamp', container: shell, runc: view(), yours: yours(), theirs});
	expectResult(t, result, {status: 'pass', message: /your container \(pid 6365\) and runc's rootcamp \(pid 4622\) differ in 13 of 18 facts/});
	t.deepEqual(result.table?.head, ['fact', 'you (pid 6365)', 'runc rootcamp (pid 4622)']);
	t.is(result.table?.rows.length, runtimeFacts.length);
});

test('security table fails without runc\'s container, and without yours', t => {
	expectResult(t, security.judge(table, {form: 'table', name: 'rootcamp', container: shell, runc: null, yours: yours(), theirs: null}), {status: 'fail', message: /runc's container rootcamp is not running.*do the run step first/, actual: 'runc has no rootcamp'});
	expectResult(t, security.judge(table, {form: 'table', name: 'rootcamp', container: shell, runc: view({running: false}), yours: yours(), theirs: null}), {status: 'fail', actual: 'rootcamp is stopped'});
	expectResult(t, security.judge(table, {form: 'table', name: 'rootcamp', container: null, runc: view(), yours: null, theirs}), {status: 'fail', message: /no container is running/});
});

const caps = checkLine('security container bounding=CAP_AUDIT_WRITE,CAP_KILL,CAP_NET_BIND_SERVICE no-new-privs');
const dropped = yours({security: {...theirs.security}});

test('security bounding= fails while the shell has more, passes with runc\'s three and no_new_privs', t => {
	expectResult(t, security.judge(caps, {form: 'container', container: shell, profile: yours(), present: []}), {
		status: 'fail',
		message: /still has 38 capabilities beyond them in its bounding set .*capsh --drop/,
		expected: 'bounding set cap_audit_write, cap_kill, cap_net_bind_service only, NoNewPrivs 1',
		actual: 'CapBnd 41 (38 beyond the list), CapEff 41',
	});
	expectResult(t, security.judge(caps, {form: 'container', container: shell, profile: dropped, present: []}), {status: 'pass'});
	const noFlag = yours({security: {...theirs.security, noNewPrivs: false}});
	expectResult(t, security.judge(caps, {form: 'container', container: shell, profile: noFlag, present: []}), {status: 'fail', message: /NoNewPrivs 0/, actual: 'NoNewPrivs 0'});
	const stale = yours({security: {...theirs.security, effective: ['cap_sys_admin', ...runcCaps]}});
	expectResult(t, security.judge(caps, {form: 'container', container: shell, profile: stale, present: []}), {status: 'fail', message: /still holds 1 effective capabilities beyond it/});
});

const masked = checkLine('security container masked');

test('security masked: every runc-masked path this kernel has must carry a mount', t => {
	const present = ['/proc/acpi', '/proc/keys', '/proc/timer_list'];
	expectResult(t, security.judge(masked, {form: 'container', container: shell, profile: yours(), present}), {status: 'fail', message: /^\/proc\/acpi, \/proc\/keys and \/proc\/timer_list are not masked/, actual: 'masked: none; open: /proc/acpi, /proc/keys, /proc/timer_list'});
	const done = yours({mounts: [mount('/proc', 'proc'), mount('/proc/acpi', 'tmpfs', 'ro'), mount('/proc/keys', 'devtmpfs', 'rw', '/null'), mount('/proc/timer_list', 'devtmpfs', 'rw', '/null')]});
	expectResult(t, security.judge(masked, {form: 'container', container: shell, profile: done, present}), {status: 'pass'});
	expectResult(t, security.judge(masked, {form: 'container', container: shell, profile: yours({mounts: []}), present: []}), {status: 'fail', message: /no \/proc of its own mounted/});
});

const procSys = checkLine('security container read-only=/proc/sys');

test('security read-only=: a mount of its own, remounted ro', t => {
	expectResult(t, security.judge(procSys, {form: 'container', container: shell, profile: yours(), present: []}), {status: 'fail', message: /\/proc\/sys is no mount of its own/, actual: 'part of the mount above it'});
	const bound = yours({mounts: [mount('/proc', 'proc'), mount('/proc/sys', 'proc', 'rw,relatime', '/sys')]});
	expectResult(t, security.judge(procSys, {form: 'container', container: shell, profile: bound, present: []}), {status: 'fail', message: /mounted read-write \(rw,relatime\).*remount,bind,ro/});
	const ro = yours({mounts: [mount('/proc', 'proc'), mount('/proc/sys', 'proc', 'ro,relatime', '/sys')]});
	expectResult(t, security.judge(procSys, {form: 'container', container: shell, profile: ro, present: []}), {status: 'pass'});
});

test('security masked asks which masked paths exist through the container\'s root', async t => {
	const asked: string[] = [];
	const probes = fakeProbes({
		container: async () => shell,
		profile: async () => yours(),
		async fileFact(path) {
			asked.push(path);
			return path.endsWith('/keys') ? {type: 'file', mode: '0444', size: 0} : null;
		},
	});
	const data = await security.probe(masked, probes);
	t.true(asked.includes('/proc/6365/root/proc/kcore'));
	t.deepEqual(data.form === 'container' ? data.present : undefined, ['/proc/keys']);
});

const bundleLine = checkLine('runc bundle /cache/runc');
const bundle = {rootPath: '/ubunturoot', readonly: true, terminal: false, args: ['sleep', '1000000'], cgroupsPath: '/runc-rootcamp'};
const judgeBundle = (found: typeof bundle | null | Partial<typeof bundle>) => runc.judge(bundleLine, {form: 'bundle', dir: '/cache/runc', rootfs: '/ubunturoot', bundle: found === null ? null : {args: [], ...found}});

test('runc bundle: the edited spec passes, each missing edit fails saying which', t => {
	expectResult(t, judgeBundle(bundle), {status: 'pass', message: /^\/cache\/runc\/config\.json runs sleep 1000000 in \/ubunturoot, its groups at \/runc-rootcamp$/});
	expectResult(t, judgeBundle(null), {status: 'fail', message: /there is no \/cache\/runc\/config\.json: .*runc spec/, actual: 'none'});
	expectResult(t, judgeBundle({...bundle, rootPath: '/cache/runc/rootfs'}), {status: 'fail', message: /root\.path is \/cache\/runc\/rootfs, not \/ubunturoot/});
	expectResult(t, judgeBundle({...bundle, terminal: true}), {status: 'fail', message: /process\.terminal is true/});
	expectResult(t, judgeBundle({...bundle, args: ['sh']}), {status: 'fail', message: /process\.args is \["sh"]/});
	expectResult(t, judgeBundle({rootPath: '/ubunturoot', terminal: false, args: ['sleep', '1']}), {status: 'fail', message: /linux\.cgroupsPath is unset/});
});

const containerLine = checkLine('runc container rootcamp');

test('runc container: running, rooted at the rootfs, not the learner\'s shell', t => {
	const judgeContainer = (found: RuncView | null, container: ContainerInfo | null = shell) => runc.judge(containerLine, {form: 'container', name: 'rootcamp', rootfs: '/ubunturoot', runc: found, container});
	expectResult(t, judgeContainer(view()), {status: 'pass', message: /init pid 4622, rooted at \/ubunturoot, beside your container's shell \(pid 6365\)/, actual: 'rootcamp: init pid 4622, running, root.path /ubunturoot'});
	expectResult(t, judgeContainer(null), {status: 'fail', message: /runc has no container rootcamp/, actual: 'none'});
	expectResult(t, judgeContainer(view({running: false})), {status: 'fail', message: /is stopped/});
	expectResult(t, judgeContainer(view({rootedAtRootfs: false})), {status: 'fail', message: /is not rooted at \/ubunturoot/});
	expectResult(t, judgeContainer(view(), {...shell, pid: 4622}), {status: 'fail', message: /is the process rootcamp takes for your container/});
});

test('the bundle check watches the bundle and its config.json', t => {
	t.deepEqual(runc.watches(bundleLine), {paths: ['/cache/runc', '/cache/runc/config.json']});
	t.deepEqual(runc.watches(containerLine), {});
});

const invalidRunc = validates(runc.validate);
test(invalidRunc, 'runc bundle {{workdir}}/runc', undefined);
test(invalidRunc, 'runc container rootcamp', undefined);
test(invalidRunc, 'runc bundle runc', /must be an absolute path/);
test(invalidRunc, 'runc start rootcamp', /takes `bundle DIR` or `container NAME`/);
test(invalidRunc, 'runc container a/b', /needs a container name/);

const invalidSecurity = validates(security.validate);
test(invalidSecurity, 'security table runc=rootcamp', undefined);
test(invalidSecurity, 'security table', /needs `runc=NAME`/);
test(invalidSecurity, 'security container masked', undefined);
test(invalidSecurity, 'security container', /needs something to check/);
test(invalidSecurity, 'security container read-only=proc/sys', /must be an absolute path/);
test(invalidSecurity, 'security container bounding=CAP-KILL', /not a list of capability names/);
test(invalidSecurity, 'security host masked', /takes `table runc=NAME` or `container …`/);
