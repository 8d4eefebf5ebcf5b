import test from 'ava';
import type {Security} from '../../src/host/proc/security.ts';
import type {RuncContainer} from '../../src/host/tools/runc.ts';
import type {Snapshot} from '../../src/workshop/api.ts';
import type {RuntimeSnapshot} from '../../src/workshop/runtime-snapshot.ts';
import {runtimeFact} from '../../src/workshop/facts/runtime.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';

const all = Array.from({length: 40}, (_, bit) => `cap_${bit}`);
const three = ['cap_kill', 'cap_net_bind_service', 'cap_audit_write'];
const root: Security = {effective: all, permitted: all, bounding: all, inheritable: [], ambient: [], noNewPrivs: false, seccomp: 'disabled'};
const runc = (patch: Partial<RuncContainer> = {}): RuncContainer => ({id: 'rootcamp', pid: 4622, startTime: 42_688, rootfs: '/ubunturoot', bundle: '/cache/runc', running: true, cgroupPaths: ['/sys/fs/cgroup/pids/runc-rootcamp'], ...patch});
const shell = (patch: Partial<NonNullable<RuntimeSnapshot['shell']>> = {}) => ({pid: 6365, startTime: 5, security: root, masked: {}, procSys: 'none' as const, ...patch});
const state = (patch: Partial<RuntimeSnapshot> = {}): RuntimeSnapshot => ({runc: [], bundles: [], shell: shell(), ...patch});

const snapshot = (runtime: RuntimeSnapshot | undefined) => ({runtime}) as Snapshot;
const changesOf = (before: RuntimeSnapshot, after: RuntimeSnapshot) => runtimeFact.changes(snapshot(before), snapshot(after), {rootfs: '/ubunturoot'}).map(change => `${change.sign} ${change.text}`);
const journalOf = (before: RuntimeSnapshot, after: RuntimeSnapshot) => runtimeFact.journal!(snapshot(before), snapshot(after), {rootfs: '/ubunturoot', variables: {tarball: undefined, source: undefined, workdir: undefined}});

test('runc\'s container appears, then stops, then is deleted', t => {
	t.deepEqual(changesOf(state(), state({runc: [runc()]})), ['+ runc container rootcamp running: init pid 4622, root /ubunturoot, bundle /cache/runc']);
	t.deepEqual(changesOf(state({runc: [runc()]}), state({runc: [runc({running: false})]})), ['~ runc container rootcamp stopped: its init (pid 4622) ended']);
	t.deepEqual(changesOf(state({runc: [runc()]}), state()), ['- runc container rootcamp deleted (its namespaces and control groups with it)']);
	t.deepEqual(changesOf(state({runc: [runc()]}), state({runc: [runc()]})), []);
});

test('the shell\'s capabilities and no_new_privs, dropped in the same process', t => {
	const after = state({shell: shell({security: {...root, bounding: three, effective: three, permitted: three, noNewPrivs: true}})});
	t.deepEqual(changesOf(state(), after), [
		'~ the container\'s CapBnd (pid 6365, same process): 40 capabilities → 3: kill, net_bind_service, audit_write',
		'~ the container\'s CapEff (pid 6365, same process): 40 capabilities → 3: kill, net_bind_service, audit_write',
		'~ the container\'s NoNewPrivs: 0 → 1',
	]);
});

test('a new shell is not a change of the old one\'s privileges', t => {
	t.deepEqual(changesOf(state(), state({shell: shell({pid: 7000, security: {...root, bounding: three}})})), []);
});

test('masks and a read-only /proc/sys in the container', t => {
	t.deepEqual(changesOf(state(), state({shell: shell({masked: {'/proc/acpi': 'a read-only tmpfs', '/proc/keys': '/dev/null bind-mounted'}})})), [
		'+ a read-only tmpfs on /proc/acpi: masked in the container only',
		'+ /dev/null bind-mounted on /proc/keys: masked in the container only',
	]);
	t.deepEqual(changesOf(state({shell: shell({masked: {'/proc/keys': '/dev/null bind-mounted'}})}), state()), ['- /proc/keys no longer masked in the container']);
	t.deepEqual(changesOf(state({shell: shell({procSys: 'writable'})}), state({shell: shell({procSys: 'read-only'})})), ['~ /proc/sys is read-only in the container now (its own bind mount, remounted ro; the host\'s stays writable)']);
});

test('the journal keeps a new runc container and a new bundle, once', t => {
	t.deepEqual(journalOf(state(), state({runc: [runc()], bundles: ['/cache/runc']})), [
		{kind: 'runc', id: 'rootcamp'},
		{kind: 'tree', path: '/cache/runc', what: 'an OCI bundle for runc'},
	]);
	t.deepEqual(journalOf(state({runc: [runc()], bundles: ['/cache/runc']}), state({runc: [runc()], bundles: ['/cache/runc']})), []);
});

test('a runc container on the rootfs that rootcamp did not start is left for the learner, named', async t => {
	const probes = fakeProbes({runcContainers: async () => [runc({id: 'mine'}), runc({rootfs: '/elsewhere', id: 'other'})]});
	const found = await runtimeFact.leftovers!({probes, watch: {cgroups: [], shells: []}, journal: [{kind: 'runc', id: 'rootcamp'}], lessonLinks: new Set()});
	t.deepEqual(found, ['a runc container rootcamp did not start runs on the rootfs (mine, pid 4622): runc delete --force mine']);
});

test('doctor says whether runc and capsh are installed', t => {
	const findings = runtimeFact.doctor!({hierarchy: {version: 'none', reason: 'test'}, sysctl: () => undefined});
	t.deepEqual(findings.map(finding => finding.name), ['runc', 'capsh']);
	t.true(findings.every(finding => finding.ok || (finding.fix ?? '').includes('apt-get install')));
});
