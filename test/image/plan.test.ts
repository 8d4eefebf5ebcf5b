import test from 'ava';
import {planLayers, type Op} from '../../src/image/plan.ts';
import type {TarEntry} from '../../src/image/tar-entries.ts';

/** A tar entry with the defaults a layer would give it. */
const entry = (name: string, fields: Partial<TarEntry> = {}): TarEntry => ({
	name, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 1000, linkname: '', devmajor: 0, devminor: 0, xattrs: [], ...fields,
});
const dir = (name: string, fields: Partial<TarEntry> = {}) => entry(name, {type: 'dir', mode: 0o755, ...fields});

/** What each op does to which path, in order, without the metadata. */
const brief = (ops: Op[]) => ops.map(op => `${op.op}${op.op === 'mkdir' && op.exists ? '=' : ''} ${op.path}${'target' in op ? ` -> ${op.target}` : ''}`);

test('a whiteout removes what a lower layer put there, and writes nothing', t => {
	const [, upper] = planLayers([[dir('etc/'), entry('etc/gone')], [entry('etc/.wh.gone')]]);
	t.deepEqual(brief(upper!), ['remove etc/gone']);
});

test('a whiteout leaves the entry of the same name in its own layer alone (it only hides lower layers)', t => {
	const [, upper] = planLayers([[entry('a')], [entry('a', {size: 3}), entry('.wh.a')]]);
	t.deepEqual(brief(upper!), ['remove a', 'file a']);
});

test('a whiteout of something no layer has does nothing, and makes no directory for it', t => {
	const [, upper] = planLayers([[entry('a')], [entry('missing/dir/.wh.x')]]);
	t.deepEqual(upper, []);
});

test('a whiteout under a symbolic link or under a file this layer made removes nothing through it', t => {
	const [, upper] = planLayers([[entry('etc', {type: 'symlink', linkname: '/etc'}), dir('d/'), entry('d/x')], [entry('etc/.wh.passwd'), entry('d'), entry('d/.wh.x')]]);
	t.deepEqual(brief(upper!), ['remove d', 'file d']);
});

test('an opaque marker hides the lower layers\' entries of its directory, not its own layer\'s', t => {
	const [, upper] = planLayers([
		[dir('opt/'), entry('opt/old'), dir('opt/sub/'), entry('opt/sub/deep')],
		[entry('opt/new'), entry('opt/.wh..wh..opq'), dir('opt/', {mode: 0o700})],
	]);
	t.deepEqual(brief(upper!), ['file opt/new', 'remove opt/old', 'remove opt/sub', 'mkdir= opt']);
});

test('a directory over a directory merges: its children stay, its metadata is the new layer\'s', t => {
	const [, upper] = planLayers([[dir('d/'), entry('d/kept')], [dir('d/', {mode: 0o2750, uid: 5, gid: 6})]]);
	t.deepEqual(upper, [{op: 'mkdir', path: 'd', meta: {mode: 0o2750, uid: 5, gid: 6, mtime: 1000}, exists: true}]);
});

test('a file replacing a directory removes the whole directory first, and a directory replacing a file too', t => {
	const [, upper] = planLayers([[dir('x/'), entry('x/inner'), entry('y')], [entry('x'), dir('y/'), entry('y/inner')]]);
	t.deepEqual(brief(upper!), ['remove x', 'file x', 'remove y', 'mkdir y', 'file y/inner']);
});

test('a directory a layer leaves out is made 0755 root before its first entry', t => {
	const [layer] = planLayers([[entry('usr/bin/tool', {mode: 0o4755})]]);
	t.deepEqual(layer, [
		{op: 'mkdir', path: 'usr', meta: {mode: 0o755, uid: 0, gid: 0, mtime: 0}, exists: false},
		{op: 'mkdir', path: 'usr/bin', meta: {mode: 0o755, uid: 0, gid: 0, mtime: 0}, exists: false},
		{op: 'file', path: 'usr/bin/tool', meta: {mode: 0o4755, uid: 0, gid: 0, mtime: 1000}, size: 0},
	]);
});

test('names are normalized: ./ prefixes, trailing slashes and the top entry', t => {
	const [layer] = planLayers([[dir('./', {mode: 0o755}), dir('./etc/'), entry('./etc/passwd')]]);
	t.deepEqual(brief(layer!), ['mkdir= ', 'mkdir etc', 'file etc/passwd']);
});

test('links, device nodes and fifos keep what the entry says', t => {
	const [layer] = planLayers([[
		entry('passwd'), entry('hard', {type: 'hardlink', linkname: './passwd'}), entry('soft', {type: 'symlink', linkname: '/etc/passwd', mode: 0o777}),
		entry('null', {type: 'char', devmajor: 1, devminor: 3}), entry('sda', {type: 'block', devmajor: 8, devminor: 0}), entry('pipe', {type: 'fifo'}),
	]]);
	t.deepEqual(brief(layer!), ['file passwd', 'hardlink hard -> passwd', 'symlink soft -> /etc/passwd', 'node null', 'node sda', 'node pipe']);
	t.like(layer![3], {kind: 'char', major: 1, minor: 3});
	t.like(layer![4], {kind: 'block', major: 8, minor: 0});
});

test('extended attributes go with the entry, except overlayfs\'s own trusted.overlay.* ones', t => {
	const capability = Buffer.from([1, 0, 0, 2]);
	const [layer] = planLayers([[entry('ping', {xattrs: [['security.capability', capability], ['trusted.overlay.opaque', Buffer.from('y')]]})]]);
	t.deepEqual(layer, [{op: 'file', path: 'ping', meta: {mode: 0o644, uid: 0, gid: 0, mtime: 1000, xattrs: [['security.capability', capability]]}, size: 0}]);
});

test('a hard link may point at a file of a lower layer when merged', t => {
	const [, upper] = planLayers([[entry('a')], [entry('b', {type: 'hardlink', linkname: 'a'})]]);
	t.deepEqual(brief(upper!), ['hardlink b -> a']);
});

for (const [title, layers, message] of [
	['a name with ..', [[entry('a/../../x')]], /escapes the tree with "\.\."/],
	['an absolute name', [[entry('/etc/passwd')]], /absolute name/],
	['a hard link to a missing target', [[entry('h', {type: 'hardlink', linkname: 'nowhere'})]], /hard link "h" points at "nowhere", which is not a file/],
	['a hard link outside the tree', [[entry('h', {type: 'hardlink', linkname: '../../etc/shadow'})]], /escapes the tree/],
	['a hard link to a directory', [[dir('d/'), entry('h', {type: 'hardlink', linkname: 'd'})]], /not a file in the tree/],
	['a hard link through a symbolic link', [[entry('s', {type: 'symlink', linkname: '/etc'}), entry('h', {type: 'hardlink', linkname: 's/shadow'})]], /not a file in the tree/],
	['a write through a symbolic link of the same layer', [[entry('x', {type: 'symlink', linkname: '../../..'}), entry('x/evil')]], /"x\/evil" would be written through "x", which is a symbolic link/],
	['a write through a symbolic link of a lower layer', [[entry('etc', {type: 'symlink', linkname: '/etc'})], [entry('etc/passwd')]], /through "etc", which is a symbolic link/],
	['a write under a file', [[entry('f')], [entry('f/inside')]], /through "f", which is a file, not a directory/],
	['a top entry that is not a directory', [[entry('./')]], /top entry/],
] as Array<[string, TarEntry[][], RegExp]>) {
	test(`refused: ${title}`, t => {
		t.throws(() => planLayers(layers), {name: 'ImageError', message});
	});
}

test('overlay form: a whiteout becomes a whiteout op and an opaque marker an opaque op, in the layer\'s own tree', t => {
	const [, upper] = planLayers([
		[dir('etc/', {mode: 0o750, uid: 0, gid: 4}), entry('etc/gone'), dir('opt/'), entry('opt/old')],
		[entry('etc/.wh.gone'), entry('opt/.wh..wh..opq'), entry('opt/new')],
	], 'overlay');
	t.deepEqual(brief(upper!), ['mkdir etc', 'whiteout etc/gone', 'mkdir opt', 'opaque opt', 'file opt/new']);
	// The layer's own etc/ is made as the lower layer had it, so the merged view shows the same directory.
	t.like(upper![0], {meta: {mode: 0o750, uid: 0, gid: 4}});
});

test('overlay form: a directory over a lower directory is made in the layer\'s own tree, not merged into it', t => {
	const [, upper] = planLayers([[dir('d/'), entry('d/kept')], [dir('d/', {mode: 0o700})]], 'overlay');
	t.deepEqual(upper, [{op: 'mkdir', path: 'd', meta: {mode: 0o700, uid: 0, gid: 0, mtime: 1000}, exists: false}]);
});

test('overlay form: a whiteout and then an entry of the same name in one layer leave the entry, not the whiteout', t => {
	const [, upper] = planLayers([[entry('a')], [entry('.wh.a'), entry('a', {size: 2})]], 'overlay');
	t.deepEqual(brief(upper!), ['whiteout a', 'remove a', 'file a']);
});

test('overlay form: a hard link to a lower layer\'s file is refused (layers kept apart share no inode)', t => {
	t.throws(() => planLayers([[entry('a')], [entry('b', {type: 'hardlink', linkname: 'a'})]], 'overlay'), {message: /of a lower layer/});
});
