import {readFileSync} from 'node:fs';
import {dirname} from 'node:path';
import test from 'ava';
import {parseDpkgStatus, readDpkgStatus} from '../../../src/host/rootfs/dpkg.ts';
import {makeTree} from '../../helpers/tree.ts';

const status = readFileSync(new URL('../../fixtures/dpkg/status', import.meta.url), 'utf8');

test('installed packages only: not config-files, not half-installed; hold counts', t => {
	t.deepEqual(parseDpkgStatus(status), ['adduser', 'apt', 'iproute2', 'libc6']);
});

test('an empty status', t => {
	t.deepEqual(parseDpkgStatus(''), []);
});

test('readDpkgStatus reads var/lib/dpkg/status of the rootfs', async t => {
	const root = await makeTree(t, {'var/lib/dpkg/status': {file: status}});
	t.deepEqual(await readDpkgStatus(root), ['adduser', 'apt', 'iproute2', 'libc6']);
});

test('a rootfs without dpkg is null', async t => {
	const root = await makeTree(t, {'bin/busybox': {file: ''}});
	t.is(await readDpkgStatus(root), null);
	t.is(await readDpkgStatus(dirname(root) + '/missing-rootfs'), null);
});
