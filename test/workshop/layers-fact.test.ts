import {execFileSync} from 'node:child_process';
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {pathsFingerprint, treeFingerprint, walkTree, type TreeEntry} from '../../src/host/rootfs/tree.ts';
import type {Snapshot} from '../../src/workshop/api.ts';
import {layersFact} from '../../src/workshop/facts/layers.ts';
import type {LayersSnapshot} from '../../src/workshop/layers-snapshot.ts';
import {requirePrivileges} from '../helpers/privileged.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';

const folder = temporaryFolders('rootcamp-layers-');

/** Two lower layers on disk (copy-up is told from a new file by looking there), and snapshots around them. */
const setup = () => {
	const dir = folder();
	mkdirSync(join(dir, '1/etc'), {recursive: true});
	mkdirSync(join(dir, '2/etc'), {recursive: true});
	writeFileSync(join(dir, '1/etc/resolv.conf'), '');
	writeFileSync(join(dir, '2/etc/motd'), 'Built in layer 2\n');
	const overlay = {target: join(dir, 'merged'), lower: [join(dir, '2'), join(dir, '1')], upper: join(dir, 'upper'), work: join(dir, 'work')};
	const state = (uppers: TreeEntry[], extra: Partial<LayersSnapshot> = {}): LayersSnapshot => ({
		dir, exists: true, layerDirs: ['1', '2'], shell: null, overlays: [overlay], uppers: {[overlay.upper]: uppers}, lowers: {[overlay.lower[0]!]: '3:aa', [overlay.lower[1]!]: '3:bb'}, ...extra,
	});
	return {dir, overlay, state};
};

const snapshot = (layers: LayersSnapshot | undefined) => ({layers}) as Snapshot;
const changesOf = (before: LayersSnapshot | undefined, after: LayersSnapshot | undefined) =>
	layersFact.changes(snapshot(before), snapshot(after), {rootfs: '/ubunturoot'}).map(change => `${change.sign} ${change.text}`);

const file = (path: string, changed = 1): TreeEntry => ({path, type: 'file', size: 10, changed});
const dir = (path: string): TreeEntry => ({path, type: 'dir', size: 4096, changed: 1});

test('a new file, a copy-up and a whiteout in the upper directory, with the layers unchanged', t => {
	const {state} = setup();
	const before = state([]);
	const after = state([dir('etc'), file('etc/motd'), {path: 'etc/resolv.conf', type: 'char', size: 0, rdev: '0:0', changed: 1}, dir('root'), file('root/hello')]);
	t.deepEqual(changesOf(before, after), [
		'+ upper/etc/motd: copied up from layer 2, then changed (layer 2 and layer 1 unchanged)',
		'+ whiteout upper/etc/resolv.conf (a character device 0:0): /etc/resolv.conf is deleted for this container only (layer 2 and layer 1 unchanged)',
		'+ upper/root/hello: written by the container, into its upper directory only (layer 2 and layer 1 unchanged)',
	]);
});

test('a file changed again in the upper directory, and a lower layer written behind the overlay\'s back', t => {
	const {state, overlay} = setup();
	const before = state([file('root/hello', 1)]);
	const after = state([file('root/hello', 2)], {lowers: {[overlay.lower[0]!]: '4:cc', [overlay.lower[1]!]: '3:bb'}});
	t.deepEqual(changesOf(before, after), [
		'~ upper/root/hello changed in the upper directory',
		'~ layer 2 changed: a lower layer must stay read-only (write through the overlay instead)',
	]);
});

test('the overlay mounted, the layered shell started, and both gone again', t => {
	const {state, overlay, dir: top} = setup();
	const none = state([], {overlays: [], uppers: {}, lowers: {}});
	const shell = {pid: 42, root: overlay.target, own: ['pid' as const, 'mnt' as const], command: '/bin/sh', startTime: 5};
	const mounted = state([], {shell});
	t.deepEqual(changesOf(none, mounted), [
		`+ overlay mounted on ${top}/merged: layer 2 over layer 1 (top first), writes go to ${top}/upper`,
		`+ layered shell started: pid 42, its / the overlay on ${top}/merged, with its own pid, mnt namespaces`,
	]);
	t.deepEqual(changesOf(mounted, none), [`- overlay unmounted from ${top}/merged`, '- the layered shell (pid 42) ended']);
	t.deepEqual(changesOf(undefined, mounted), [], 'a course without the lesson compares nothing');
});

test('the journal keeps the layers folder once it appears, and each overlay the host mounted', t => {
	const {state, dir: top} = setup();
	const absent = state([], {exists: false, layerDirs: [], overlays: [], uppers: {}, lowers: {}});
	const made = state([]);
	const entries = layersFact.journal!(snapshot(absent), snapshot(made), {rootfs: '/ubunturoot', variables: {tarball: '/t', source: '/s'}});
	t.deepEqual(entries, [
		{kind: 'tree', path: top, what: 'the layers lesson\'s layers, upper and work directories'},
		{kind: 'mount', target: `${top}/merged`},
	]);
	t.deepEqual(layersFact.journal!(snapshot(made), snapshot(made), {rootfs: '/ubunturoot', variables: {tarball: '/t', source: '/s'}}), []);
});

test('walkTree lists every entry without following links; a fingerprint changes with any write under the tree', t => {
	const top = folder();
	mkdirSync(join(top, 'etc'));
	writeFileSync(join(top, 'etc/motd'), 'one\n');
	execFileSync('mkfifo', [join(top, 'pipe')]);
	t.deepEqual(walkTree(top)!.map(entry => `${entry.path}:${entry.type}`), ['etc:dir', 'etc/motd:file', 'pipe:fifo']);
	t.is(walkTree(join(top, 'etc/motd')), null, 'a file is no tree');
	const before = treeFingerprint(top);
	t.regex(before!, /^3:[\da-f]{16}$/);
	t.is(treeFingerprint(top), before, 'reading changes nothing');
	writeFileSync(join(top, 'etc/motd'), 'two\n');
	t.not(treeFingerprint(top), before, 'a rewrite of the same size still changes the ctime');
});

test('a lower layer is stamped over the paths the lessons watch in it: a write to one of them shows', t => {
	const top = folder();
	writeFileSync(join(top, 'motd'), 'Built in layer 2\n');
	const stamp = () => pathsFingerprint(top, [join(top, 'motd'), join(top, 'missing')]);
	const before = stamp();
	t.is(stamp(), before);
	writeFileSync(join(top, 'motd'), 'Built in layer 2\n');
	t.not(stamp(), before, 'the same bytes written again: a new ctime');
	const rewritten = stamp();
	writeFileSync(join(top, 'missing'), '');
	t.not(stamp(), rewritten, 'a path that appears');
});

test('an image route\'s stack of three layers: named top first, all unchanged; a path an image layer whited out is written, not copied up', t => {
	if (!requirePrivileges(t)) {
		return;
	}

	const top = folder();
	for (const layer of ['1/etc', '2/etc', '3/etc']) {
		mkdirSync(join(top, layer), {recursive: true});
	}

	writeFileSync(join(top, '1/etc/remove-me'), 'gone\n');
	// Layer 2 deleted it, as rootcamp image layers writes a `.wh.remove-me`: a character device 0:0.
	execFileSync('mknod', ['-m', '000', join(top, '2/etc/remove-me'), 'c', '0', '0']);
	writeFileSync(join(top, '3/etc/motd'), 'Built in layer 3\n');
	const overlay = {target: join(top, 'merged'), lower: ['3', '2', '1'].map(layer => join(top, layer)), upper: join(top, 'upper'), work: join(top, 'work')};
	const state = (uppers: TreeEntry[], extra: Partial<LayersSnapshot> = {}): LayersSnapshot => ({
		dir: top, exists: true, layerDirs: ['1', '2', '3'], shell: null, overlays: [overlay], uppers: {[overlay.upper]: uppers}, lowers: Object.fromEntries(overlay.lower.map(lower => [lower, '3:aa'])), ...extra,
	});
	t.deepEqual(changesOf(state([], {exists: false, layerDirs: [], overlays: [], uppers: {}, lowers: {}}), state([], {overlays: [], uppers: {}, lowers: {}})), [
		`+ layers 1, 2 and 3 kept apart in ${top}, a directory each, as overlay2 keeps an image's layers`,
	]);
	t.deepEqual(changesOf(state([], {layerDirs: ['1', '2'], overlays: [], uppers: {}, lowers: {}}), state([], {overlays: [], uppers: {}, lowers: {}})), [
		`+ layer 3 kept apart in ${top}/3, a directory of its own`,
	]);
	t.deepEqual(changesOf(state([], {overlays: [], uppers: {}, lowers: {}}), state([])), [
		`+ overlay mounted on ${top}/merged: layer 3 over layer 2 over layer 1 (top first), writes go to ${top}/upper`,
	]);
	t.deepEqual(changesOf(state([]), state([dir('etc'), file('etc/motd'), file('etc/remove-me')])), [
		'+ upper/etc/motd: copied up from layer 3, then changed (layer 3, layer 2 and layer 1 unchanged)',
		'+ upper/etc/remove-me: written by the container, into its upper directory only (layer 3, layer 2 and layer 1 unchanged)',
	]);
});
