import {execFileSync} from 'node:child_process';
import {mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {TarParser, type TarEntry} from '../../src/image/tar-entries.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';

const folder = temporaryFolders('rootcamp-tar-entries-');

/** Feeds an archive to the parser in chunks of `size` bytes (headers and contents split anywhere), collecting what it reads. */
const parse = (archive: Buffer, size: number) => {
	const entries: Array<TarEntry & {content: string}> = [];
	const parser = new TarParser({
		entry(entry) {
			entries.push({...entry, content: ''});
		},
		data(chunk) {
			entries.at(-1)!.content += chunk.toString('utf8');
		},
		end() {
			// Nothing to do at a member's end here.
		},
	}, 'the test archive');
	for (let offset = 0; offset < archive.length; offset += size) {
		parser.push(archive.subarray(offset, offset + size));
	}

	parser.finish();
	return entries;
};

/** Over 100 characters: GNU's and pax's long names take it whole; ustar's prefix field, split at a slash. */
const longNames = {gnu: `deep/${'d'.repeat(120)}/${'f'.repeat(90)}`, pax: `deep/${'d'.repeat(120)}/${'f'.repeat(90)}`, ustar: `deep/${'d'.repeat(80)}/${'f'.repeat(90)}`};
const linkTargets = {gnu: `../${'t'.repeat(150)}`, pax: `../${'t'.repeat(150)}`, ustar: `../${'t'.repeat(90)}`};

/** A small tree archived by GNU tar in the given format: a long name, a symlink, content over one block, another owner, setuid. */
const archiveOf = (format: keyof typeof longNames): Buffer => {
	const longName = longNames[format];
	const dir = folder();
	mkdirSync(join(dir, 'tree', longName, '..'), {recursive: true});
	writeFileSync(join(dir, 'tree', longName), 'x'.repeat(700));
	symlinkSync(linkTargets[format], join(dir, 'tree/link'));
	execFileSync('tar', [`--format=${format}`, '--owner=1234', '--group=5678', '--mode=u+s', '-cf', join(dir, 'a.tar'), '-C', join(dir, 'tree'), '.']);
	return readFileSync(join(dir, 'a.tar'));
};

for (const format of ['gnu', 'pax', 'ustar'] as const) {
	test(`reads GNU tar's ${format} format, fed in chunks of any size`, t => {
		const archive = archiveOf(format);
		for (const size of [1, 7, 512, 100_000]) {
			const entries = parse(archive, size);
			const file = entries.find(entry => entry.name.endsWith('f'.repeat(90)));
			t.like(file, {name: `./${longNames[format]}`, type: 'file', size: 700, uid: 1234, gid: 5678, content: 'x'.repeat(700)});
			t.is(file!.mode & 0o4000, 0o4000);
			t.like(entries.find(entry => entry.name === './link'), {type: 'symlink', linkname: linkTargets[format]});
		}
	});
}

test('pax headers carry extended attributes, binary values kept byte for byte', t => {
	const dir = folder();
	writeFileSync(join(dir, 'f'), 'x');
	const value = Buffer.from([0, 1, 2, 0xFF, 0x0A, 0x3D]);
	execFileSync('setfattr', ['-n', 'user.rootcamp', '-v', `0s${value.toString('base64')}`, join(dir, 'f')]);
	execFileSync('tar', ['--format=pax', '--xattrs', '--xattrs-include=user.*', '-cf', join(dir, 'a.tar'), '-C', dir, 'f']);
	const [file] = parse(readFileSync(join(dir, 'a.tar')), 300);
	t.deepEqual(file!.xattrs, [['user.rootcamp', value]]);
});

test('an archive cut inside a member\'s content is truncated; one that ends after its last content is not', t => {
	const archive = archiveOf('gnu');
	const end = archive.indexOf('x'.repeat(700)) + 700;
	t.throws(() => parse(archive.subarray(0, end - 10), 512), {message: /the test archive is truncated/});
	// Go's archive/tar, and so umoci insert, write layers that stop right after the last file's content.
	t.notThrows(() => parse(archive.subarray(0, end), 512));
});

test('a header whose checksum does not match is corrupt', t => {
	const archive = Buffer.from(archiveOf('gnu'));
	archive[10] = archive[10]! ^ 0x01;
	t.throws(() => parse(archive, 512), {message: /the test archive is corrupt: a tar header's checksum does not match/});
});
