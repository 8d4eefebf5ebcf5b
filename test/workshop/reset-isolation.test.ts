import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {removeCgroup} from '../../src/workshop/reset-isolation.ts';
import {makeTree} from '../helpers/tree.ts';

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
