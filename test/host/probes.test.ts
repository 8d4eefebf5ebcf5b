import {writeFile} from 'node:fs/promises';
import {join} from 'node:path';
import test from 'ava';
import {createProbes, splitRoot} from '../../src/host/probes.ts';
import {makeTree} from '../helpers/tree.ts';
import {procFixture} from '../helpers/proc-fixture.ts';

test('container facts come from the proc tree', async t => {
	const proc = await procFixture(t, 'proc-container');
	const probes = createProbes({proc, rootfs: '/ubunturoot/'});
	t.is(probes.rootfs, '/ubunturoot');
	t.is((await probes.container())?.pid, 201);
	t.deepEqual((await probes.containerMounts()).map(mount => mount.target), ['/proc', '/tmp']);
	t.true((await probes.hostMounts()).some(mount => mount.target === '/'));
});

test('without a container there are no container mounts or links', async t => {
	const probes = createProbes({proc: await procFixture(t, 'proc-none'), rootfs: '/ubunturoot'});
	t.is(await probes.container(), null);
	t.deepEqual(await probes.containerMounts(), []);
	t.deepEqual(await probes.containerLinks(), []);
});

test('a fact is read once per round', async t => {
	const proc = await procFixture(t, 'proc-container');
	const root = await makeTree(t, {'etc/resolv.conf': {file: 'nameserver 10.0.0.1\n'}});
	const path = join(root, 'etc/resolv.conf');
	const probes = createProbes({proc, rootfs: root});
	const [first, concurrent] = await Promise.all([probes.fileFact(path), probes.fileFact(path)]);
	t.is(first, concurrent);
	await writeFile(path, 'nameserver 10.9.9.9\n');
	t.is((await probes.fileFact(path))?.preview, 'nameserver 10.0.0.1\n');
	t.is((await createProbes({proc, rootfs: root}).fileFact(path))?.preview, 'nameserver 10.9.9.9\n');
});

test('resolve stays inside the rootfs', async t => {
	const proc = await procFixture(t, 'proc-container');
	const root = await makeTree(t, {'etc/resolv.conf': {symlink: '/etc/hostname'}});
	const probes = createProbes({proc, rootfs: root});
	const resolution = await probes.resolve(join(root, 'etc/resolv.conf'), {follow: true});
	t.is(resolution.path, join(root, 'etc/hostname'));
	t.is(resolution.fact, null);
});

test('packages and apt lists of the rootfs', async t => {
	const proc = await procFixture(t, 'proc-container');
	const probes = createProbes({proc, rootfs: new URL('../fixtures/rootfs-apt', import.meta.url).pathname});
	t.is(await probes.aptLists(), 4);
	t.is(await probes.packages(), null);
});

test('splitRoot', t => {
	t.deepEqual(splitRoot('/ubunturoot', '/ubunturoot/etc/x'), ['/ubunturoot', '/etc/x']);
	t.deepEqual(splitRoot('/ubunturoot', '/ubunturoot'), ['/ubunturoot', '/']);
	t.deepEqual(splitRoot('/ubunturoot', '/ubunturootx/etc'), ['/', '/ubunturootx/etc']);
	t.deepEqual(splitRoot('/ubunturoot', '/etc/resolv.conf'), ['/', '/etc/resolv.conf']);
});

test('splitRoot: a path through /proc/PID/root resolves in that process\'s root', t => {
	t.deepEqual(splitRoot('/ubunturoot', '/proc/24915/root/dev/null'), ['/proc/24915/root', '/dev/null']);
	t.deepEqual(splitRoot('/ubunturoot', '/proc/24915/root'), ['/proc/24915/root', '/']);
	t.deepEqual(splitRoot('/ubunturoot', '/fixture/proc/7/root/dev', '/fixture/proc/'), ['/fixture/proc/7/root', '/dev']);
	t.deepEqual(splitRoot('/ubunturoot', '/proc/24915/rootfs/x'), ['/', '/proc/24915/rootfs/x']);
	t.deepEqual(splitRoot('/ubunturoot', '/proc/self/root/dev'), ['/', '/proc/self/root/dev']);
});

test('a device node seen through /proc/PID/root, as that process sees it', async t => {
	// This test process's own root is `/`, so its /dev/null is the host's.
	const probes = createProbes({rootfs: '/ubunturoot'});
	const resolution = await probes.resolve(`/proc/${process.pid}/root/dev/null`, {follow: false});
	t.is(resolution.inside, '/dev/null');
	t.like(resolution.fact, {type: 'other', special: 'char', rdev: '1:3'});
});
