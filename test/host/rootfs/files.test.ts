import {join} from 'node:path';
import test from 'ava';
import {fileFact, formatDevice, formatMode, readText} from '../../../src/host/rootfs/files.ts';
import {makeTree} from '../../helpers/tree.ts';

test('a sticky world-writable dir', async t => {
	const root = await makeTree(t, {tmp: {dir: 0o1777}});
	t.like(await fileFact(join(root, 'tmp')), {type: 'dir', mode: '1777'});
});

test('chmod 777 without +t', async t => {
	const root = await makeTree(t, {tmp: {dir: 0o777}});
	t.like(await fileFact(join(root, 'tmp')), {type: 'dir', mode: '0777'});
});

test('a small file carries its text as preview', async t => {
	const root = await makeTree(t, {'etc/resolv.conf': {file: 'nameserver 10.0.0.1\n'}});
	t.deepEqual(await fileFact(join(root, 'etc/resolv.conf')), {type: 'file', mode: '0644', size: 20, preview: 'nameserver 10.0.0.1\n'});
});

test('a file over 1 KiB has no preview', async t => {
	const root = await makeTree(t, {big: {file: 'x'.repeat(2000)}});
	const fact = await fileFact(join(root, 'big'));
	t.is(fact?.size, 2000);
	t.is(fact?.preview, undefined);
});

test('a binary file has no preview', async t => {
	const root = await makeTree(t, {bin: {file: 'a\0b'}});
	t.is((await fileFact(join(root, 'bin')))?.preview, undefined);
});

test('a symlink is described, not followed', async t => {
	const root = await makeTree(t, {'etc/resolv.conf': {symlink: '../run/systemd/resolve/stub-resolv.conf'}});
	t.like(await fileFact(join(root, 'etc/resolv.conf')), {type: 'symlink', target: '../run/systemd/resolve/stub-resolv.conf'});
});

test('missing, or under a file, is null', async t => {
	const root = await makeTree(t, {file: {file: 'x'}});
	t.is(await fileFact(join(root, 'nothing')), null);
	t.is(await fileFact(join(root, 'file/below')), null);
});

test('readText reads files only', async t => {
	const root = await makeTree(t, {dir: {dir: 0o755}, 'a.txt': {file: 'hello\n'}, empty: {file: ''}});
	t.is(await readText(join(root, 'a.txt')), 'hello\n');
	t.is(await readText(join(root, 'empty')), '');
	t.is(await readText(join(root, 'dir')), null);
	t.is(await readText(join(root, 'missing')), null);
});

test('formatMode keeps the special bits', t => {
	t.is(formatMode(0o4_1777), '1777');
	t.is(formatMode(0o10_0644), '0644');
	t.is(formatMode(0o10_4755), '4755');
});

const splitsDevice = test.macro({
	exec(t, rdev: number, expected: string) {
		t.is(formatDevice(rdev), expected);
	},
	title: (_, rdev: number, expected: string) => `device number ${rdev} is ${expected}`,
});

// makedev(major, minor) as glibc packs it: minor's low 8 bits, major's 12, minor's next 12, then the high bits.
test(splitsDevice, 0x1_03, '1:3');
test(splitsDevice, 0x5_02, '5:2');
test(splitsDevice, 0x8_00, '8:0');
test(splitsDevice, (300 & 0xFF) | (8 << 8) | ((300 & ~0xFF) << 12), '8:300');
test(splitsDevice, (259 << 8) | 7, '259:7');
test(splitsDevice, (((4096 & ~0xF_FF) * 2 ** 32) + ((4096 & 0xF_FF) << 8)), '4096:0');
test(splitsDevice, 2 ** 32, '0:1048576');
test(splitsDevice, 2 ** 20 * 2 ** 32, '1048576:0');
