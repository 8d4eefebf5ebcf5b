import {appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {fileIdentity, listTarball} from '../../src/host/rootfs/tarball.ts';
import {forgetTarballListings, tarballMemo} from '../../src/workshop/tarball-memo.ts';

const fixture = (name: string) => new URL(`../fixtures/tarballs/${name}`, import.meta.url).pathname;
const memoFile = (cache: string) => join(cache, 'tarball-listings.json');

/** A copy of a fixture tarball last written a minute ago, and a cache folder for its memo. */
const setUp = (t: {teardown: (fn: () => void) => void}, name = 'rootfs-dot.tar') => {
	const dir = mkdtempSync(join(tmpdir(), 'rootcamp-memo-'));
	t.teardown(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	const tarball = join(dir, 'ubuntu_root.tar');
	copyFileSync(fixture(name), tarball);
	const minuteAgo = new Date(Date.now() - 60_000);
	utimesSync(tarball, minuteAgo, minuteAgo);
	return {tarball, cache: join(dir, 'cache')};
};

test('a settled tarball is remembered, and its listing reused while the file is the same', async t => {
	const {tarball, cache} = setUp(t);
	const memo = tarballMemo(cache);
	const listing = await listTarball(tarball, memo);
	t.deepEqual(listing?.entries, ['bin', 'etc', 'usr', 'var']);
	// `tar -tf` prints 8 lines for it: ./ and seven members.
	t.is(listing?.members, 8);
	const saved = JSON.parse(readFileSync(memoFile(cache), 'utf8')) as Array<{path: string; identity: string; entries: string[]; members: number}>;
	t.deepEqual(saved.map(entry => [entry.path, entry.entries, entry.members]), [[tarball, ['bin', 'etc', 'usr', 'var'], 8]]);

	// A listing planted under the file's identity is what comes back: the file is not read again.
	memo.remember(tarball, fileIdentity(statSync(tarball, {bigint: true})), {entries: ['planted'], members: 1});
	t.like(await listTarball(tarball, memo), {entries: ['planted'], members: 1});
});

test('a memo written before listings counted members is read again, and written with the count', async t => {
	const {tarball, cache} = setUp(t);
	const identity = fileIdentity(statSync(tarball, {bigint: true}));
	mkdirSync(cache, {recursive: true});
	writeFileSync(memoFile(cache), JSON.stringify([{path: tarball, identity, entries: ['planted']}]));
	t.like(await listTarball(tarball, tarballMemo(cache)), {entries: ['bin', 'etc', 'usr', 'var'], members: 8});
	t.like((JSON.parse(readFileSync(memoFile(cache), 'utf8')) as unknown[])[0], {members: 8});
});

test('a tarball written since is read again', async t => {
	const {tarball, cache} = setUp(t);
	const memo = tarballMemo(cache);
	memo.remember(tarball, fileIdentity(statSync(tarball, {bigint: true})), {entries: ['planted'], members: 1});
	// Replaced in place by another archive, as `tar -cvf` over an old file does.
	writeFileSync(tarball, readFileSync(fixture('rootfs-with-proc.tar')));
	t.deepEqual((await listTarball(tarball, memo))?.entries, ['bin', 'etc', 'proc', 'tmp', 'usr', 'var']);
	appendFileSync(tarball, Buffer.alloc(512));
	t.notDeepEqual((await listTarball(tarball, memo))?.entries, ['planted']);
});

test('a tarball written just now is listed but not remembered (it may still be growing)', async t => {
	const {tarball, cache} = setUp(t);
	const now = new Date();
	utimesSync(tarball, now, now);
	t.deepEqual((await listTarball(tarball, tarballMemo(cache)))?.entries, ['bin', 'etc', 'usr', 'var']);
	t.false(existsSync(memoFile(cache)));
});

test('a damaged memo is only a cache: the tarball is read, and the memo written afresh', async t => {
	const {tarball, cache} = setUp(t);
	const memo = tarballMemo(cache);
	await listTarball(tarball, memo);
	writeFileSync(memoFile(cache), '{oops');
	t.deepEqual((await listTarball(tarball, memo))?.entries, ['bin', 'etc', 'usr', 'var']);
	t.is((JSON.parse(readFileSync(memoFile(cache), 'utf8')) as unknown[]).length, 1);
});

test('reset forgets every listing', async t => {
	const {tarball, cache} = setUp(t);
	await listTarball(tarball, tarballMemo(cache));
	t.true(existsSync(memoFile(cache)));
	forgetTarballListings(cache);
	t.false(existsSync(memoFile(cache)));
});
