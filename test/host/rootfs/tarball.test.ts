import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {gzipSync} from 'node:zlib';
import test from 'ava';
import {listTarball, topLevelEntry} from '../../../src/host/rootfs/tarball.ts';

const tarball = (name: string) => new URL(`../../fixtures/tarballs/${name}`, import.meta.url).pathname;

const entry = test.macro({
	exec(t, member: string, expected: string) {
		t.is(topLevelEntry(member), expected);
	},
	title: (_, member: string, expected: string) => `${member} → ${expected || '(nothing)'}`,
});

test(entry, './bin/ls', 'bin');
test(entry, 'bin/', 'bin');
test(entry, 'etc', 'etc');
test(entry, '/usr/lib/x', 'usr');
test(entry, './', '');
test(entry, '.', '');

test('a ./-prefixed tarball lists its top level', async t => {
	t.deepEqual(await listTarball(tarball('rootfs-dot.tar')), {entries: ['bin', 'etc', 'usr', 'var'], members: 8, size: 10_240});
});

test('a compressed tarball is listed by tar, with as many members as `tar -tf` prints', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'rootcamp-tgz-'));
	t.teardown(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	const compressed = join(dir, 'rootfs.tar.gz');
	writeFileSync(compressed, gzipSync(readFileSync(tarball('rootfs-with-proc.tar'))));
	t.like(await listTarball(compressed), {entries: ['bin', 'etc', 'proc', 'tmp', 'usr', 'var'], members: 10});
});

test('a tarball with proc and tmp', async t => {
	t.deepEqual((await listTarball(tarball('rootfs-with-proc.tar')))?.entries, ['bin', 'etc', 'proc', 'tmp', 'usr', 'var']);
});

test('a missing tarball is null', async t => {
	t.is(await listTarball(tarball('missing.tar')), null);
});

test('a corrupt tarball says so', async t => {
	const error = await t.throwsAsync(listTarball(tarball('corrupt.tar')));
	t.regex(error?.message ?? '', /is not a readable tar file: tar: This does not look like a tar archive/);
});

test('a directory is not a tarball', async t => {
	await t.throwsAsync(listTarball(new URL('../../fixtures', import.meta.url).pathname), {message: /not a regular file/});
});
