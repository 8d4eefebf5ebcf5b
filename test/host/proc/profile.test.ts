import {appendFile, mkdtemp, mkdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {readProfile} from '../../../src/host/proc/profile.ts';
import {runtimeProbes} from '../../../src/host/runtime-probes.ts';
import {fakeProc} from '../../helpers/fake-proc.ts';

/** runc's init as this project's host shows it: five namespaces of its own, runc's masks, three capabilities. */
const runcInit = {
	command: 'sleep',
	start: 42_688,
	root: '/',
	ns: {pid: 'pid:[4026532177]', net: 'net:[4026532178]', ipc: 'ipc:[4026532176]', uts: 'uts:[4026532175]', mnt: 'mnt:[4026532174]'},
	mountinfo: [
		'68 46 254:0 /ubunturoot / ro,relatime - ext4 /dev/vda rw',
		'69 68 0:41 / /proc rw,relatime - proc proc rw',
		'70 68 0:42 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755',
		'50 69 0:41 /sys /proc/sys ro,relatime - proc proc rw',
		'52 69 0:42 /null /proc/keys rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755',
		'',
	].join('\n'),
	cgroup: '8:pids:/runc-rootcamp\n0::/runc-rootcamp\n',
};
const privileges = 'CapInh:\t0000000000000000\nCapPrm:\t0000000020000420\nCapEff:\t0000000020000420\nCapBnd:\t0000000020000420\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t0\n';

test('a profile: namespaces against rootcamp\'s own, mounts, privileges and groups', async t => {
	const proc = await fakeProc(t, {1000: {command: 'node'}, 4622: runcInit}, 1000);
	await appendFile(join(proc, '4622', 'status'), privileges);
	const profile = await readProfile(4622, {proc});
	t.deepEqual(profile?.own, ['pid', 'mnt', 'net', 'uts', 'ipc']);
	t.deepEqual(profile?.mounts.map(mount => mount.target), ['/', '/proc', '/dev', '/proc/sys', '/proc/keys']);
	t.deepEqual(profile?.security.bounding, ['cap_kill', 'cap_net_bind_service', 'cap_audit_write']);
	t.true(profile?.security.noNewPrivs);
	t.deepEqual(profile?.cgroups, [{id: 8, controllers: ['pids'], path: '/runc-rootcamp'}, {id: 0, controllers: [], path: '/runc-rootcamp'}]);
});

test('a process that is gone, or whose files cannot be read, has no profile', async t => {
	const proc = await fakeProc(t, {1000: {command: 'node'}, 4622: {...runcInit, cgroup: undefined}}, 1000);
	t.is(await readProfile(4622, {proc}), null, 'no cgroup file');
	t.is(await readProfile(4700, {proc}), null, 'no such process');
});

test('runc\'s container through the probes: running, and rooted at the rootfs by its identity', async t => {
	const dir = await mkdtemp(join(tmpdir(), 'rootcamp-runtime-probes-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	const rootfs = join(dir, 'rootfs');
	await mkdir(rootfs);
	// The init's root link points at the rootfs itself: the same inode, as pivot_root leaves it.
	const proc = await fakeProc(t, {1000: {command: 'node'}, 4622: {...runcInit, root: rootfs}}, 1000);
	const runcRoot = join(dir, 'runc');
	await mkdir(join(runcRoot, 'rootcamp'), {recursive: true});
	await writeFile(join(runcRoot, 'rootcamp', 'state.json'), JSON.stringify({id: 'rootcamp', init_process_pid: 4622, init_process_start: 42_688, config: {rootfs}}));
	const cache = new Map<string, Promise<unknown>>();
	const once = async <T>(key: string, read: () => Promise<T>): Promise<T> => {
		if (!cache.has(key)) {
			cache.set(key, read());
		}

		return cache.get(key) as Promise<T>;
	};

	const probes = runtimeProbes({proc, rootfs, once, runcRoot});
	t.like(await probes.runc('rootcamp'), {pid: 4622, running: true, rootedAtRootfs: true});
	t.is(await probes.runc('other'), null);
	const elsewhere = runtimeProbes({proc, rootfs: dir, once: async (_key, read) => read(), runcRoot});
	t.like(await elsewhere.runc('rootcamp'), {running: true, rootedAtRootfs: false}, 'another directory is not its root');
});
