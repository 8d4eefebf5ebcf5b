import {execFileSync} from 'node:child_process';
import {join} from 'node:path';
import test from 'ava';
import {listEntries} from '../../../src/host/rootfs/entries.ts';
import {makeTree} from '../../helpers/tree.ts';

test('a directory\'s entries, sorted, each described without following it', async t => {
	const root = await makeTree(t, {'dev/pts': {dir: 0o755}, 'dev/ptmx': {symlink: 'pts/ptmx'}, 'dev/null': {file: 'hi\n'}});
	execFileSync('mkfifo', [join(root, 'dev/initctl')]);
	const entries = await listEntries(join(root, 'dev'));
	t.deepEqual(entries?.map(entry => [entry.name, entry.fact.type, entry.fact.special ?? entry.fact.target ?? '']), [
		['initctl', 'other', 'fifo'],
		['null', 'file', ''],
		['ptmx', 'symlink', 'pts/ptmx'],
		['pts', 'dir', ''],
	]);
});

test('a missing directory, or a file, has no entries', async t => {
	const root = await makeTree(t, {file: {file: 'x'}});
	t.is(await listEntries(join(root, 'nothing')), null);
	t.is(await listEntries(join(root, 'file')), null);
});

test('a character device carries its numbers', async t => {
	const entries = await listEntries('/dev');
	t.like(entries?.find(entry => entry.name === 'null')?.fact, {type: 'other', special: 'char', rdev: '1:3', mode: '0666'});
});
