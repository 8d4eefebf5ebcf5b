import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {readCgroupHierarchy, readSubtreeControl} from '../../src/host/cgroup/cgroup.ts';
import {isRunning} from '../../src/host/proc/processes.ts';
import {defaultLessonsDir} from '../../src/lesson/load.ts';
import {removeCgroup} from '../../src/workshop/remove-cgroup.ts';
import {whyNotDelete} from '../../src/workshop/reset.ts';
import {openWorkshop} from '../../src/workshop/workshop.ts';
import {fakeProc} from '../helpers/fake-proc.ts';
import {requirePrivileges} from '../helpers/privileged.ts';
import {makeTree} from '../helpers/tree.ts';
import {waitFor} from '../helpers/wait-for.ts';

test('a group that is gone already counts as removed', async t => {
	t.deepEqual(await removeCgroup('/nonexistent-rootcamp-cgroup'), {removed: true, moved: []});
});

test('an empty group is removed, the groups under it first', async t => {
	const root = await makeTree(t, {'rootcamp/inner': {dir: 0o755}});
	t.deepEqual(await removeCgroup(join(root, 'rootcamp')), {removed: true, moved: []});
});

test('what is left in a group moves up to its parent before rmdir', async t => {
	// A plain directory stands in for cgroupfs: its cgroup.procs is an ordinary file, so rmdir keeps failing.
	const root = await makeTree(t, {'cgroup.procs': {file: ''}, 'rootcamp/cgroup.procs': {file: '77\n'}});
	const removal = await removeCgroup(join(root, 'rootcamp'), {timeoutMs: 100});
	t.false(removal.removed);
	t.deepEqual(removal.moved, [77]);
	t.regex(removal.problem ?? '', /ENOTEMPTY/);
	t.is(readFileSync(join(root, 'cgroup.procs'), 'utf8'), '77\n');
});

test('a parent that refuses the process (cgroup v2 refuses a group that hands controllers down) sends it to the nearest ancestor that takes it', async t => {
	// A directory where the parent's cgroup.procs would be: writing to it fails, as the kernel's EBUSY does.
	const root = await makeTree(t, {'cgroup.procs': {file: ''}, 'faas/cgroup.procs': {dir: 0o755}, 'faas/77/cgroup.procs': {file: '77\n'}});
	const removal = await removeCgroup(join(root, 'faas/77'), {timeoutMs: 100});
	t.deepEqual(removal.moved, [77]);
	t.is(readFileSync(join(root, 'cgroup.procs'), 'utf8'), '77\n', 'moved to the grandparent');
});

test.serial('on this kernel: a request\'s group under a group that hands pids down is emptied and removed (the faas lesson\'s shape)', async t => {
	const hierarchy = readCgroupHierarchy();
	if (!requirePrivileges(t, hierarchy.version === 'none' ? hierarchy.reason : undefined) || hierarchy.version === 'none') {
		return;
	}

	const top = join(hierarchy.roots.pids, `rootcamp-test-remove-${process.pid}`);
	const inner = join(top, 'request');
	const sleeper = spawn('sleep', ['60'], {stdio: 'ignore'});
	const root = hierarchy.roots.pids;
	const handedDown = hierarchy.version === 'v2' ? readSubtreeControl(root) : [];
	t.teardown(async () => {
		sleeper.kill('SIGKILL');
		await removeCgroup(top);
		if (hierarchy.version === 'v2' && !handedDown.includes('pids')) {
			writeFileSync(join(root, 'cgroup.subtree_control'), '-pids');
		}
	});
	if (hierarchy.version === 'v2') {
		writeFileSync(join(root, 'cgroup.subtree_control'), '+pids');
	}

	mkdirSync(inner, {recursive: true});
	if (hierarchy.version === 'v2') {
		writeFileSync(join(top, 'cgroup.subtree_control'), '+pids');
	}

	writeFileSync(join(inner, 'cgroup.procs'), `${sleeper.pid}\n`);
	t.is(readFileSync(join(inner, 'cgroup.procs'), 'utf8').trim(), String(sleeper.pid));
	const removal = await removeCgroup(top);
	t.deepEqual(removal, {removed: true, moved: [sleeper.pid!]}, removal.problem);
	t.false(existsSync(top));
	t.true(isRunning(sleeper.pid!), 'moved, not killed: it is not rootcamp\'s to end');
	sleeper.kill('SIGKILL');
	await waitFor(() => !isRunning(sleeper.pid!), {timeout: 5000});
});

test('a pivoted jail keeps reset from deleting the rootfs, though its root reads /', async t => {
	const rootfs = '/var/tmp/rootcamp-fixture-rootfs';
	const host = '26 1 254:0 / / rw - ext4 /dev/vda rw\n';
	const pivoted = `84 63 254:0 ${rootfs} / rw - ext4 /dev/vda rw\n`;
	const proc = await fakeProc(t, {
		100: {command: 'node', mountinfo: host},
		300: {command: 'unshare', ns: {mnt: 'mnt:[700]'}, mountinfo: pivoted},
		301: {command: 'sh', ppid: 300, nspid: [301, 1], ns: {mnt: 'mnt:[700]', pid: 'pid:[701]'}, mountinfo: pivoted},
	}, 100);
	const dir = await mkdtemp(join(tmpdir(), 'rootcamp-engine-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	const engine = await openWorkshop({lessonsDir: defaultLessonsDir(), rootfs, route: 'busybox', proc, paths: {state: join(dir, 'state'), cache: join(dir, 'cache'), run: join(dir, 'run')}});
	t.regex(await whyNotDelete(engine, rootfs) ?? '', /the jail shell \(pid 301\) has the rootfs mounted in its own mount namespace: exit it first/);
	t.is(await whyNotDelete(engine, join(dir, 'cache')), undefined, 'another tree is not the jail\'s');
});
