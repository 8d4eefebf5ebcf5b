import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {evaluateCheck} from '../../src/check/evaluate.ts';
import {judge, validate, type FileData} from '../../src/check/kinds/file.ts';
import type {CheckResult} from '../../src/check/types.ts';
import {createProbes} from '../../src/host/probes.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {validates} from '../helpers/validate-macro.ts';
import type {FileFact} from '../../src/workshop/api.ts';
import {makeTree, type Entry} from '../helpers/tree.ts';

/** Builds a rootfs from `entries`, evaluates `line` (ROOT stands for it) and compares the result. */
const evaluates = test.macro({
	async exec(t, entries: Record<string, Entry>, line: string, expected: Expected) {
		const result = await evaluateIn(t, entries, line);
		expectResult(t, result, expected);
	},
	title: (given, _entries, line: string) => `${given}: ${line}`,
});

async function evaluateIn(t: ExecutionContext, entries: Record<string, Entry>, line: string): Promise<CheckResult> {
	const root = await makeTree(t, entries);
	// The resolver is the host's: pin it so messages do not depend on the machine running the tests.
	const probes = {...createProbes({rootfs: root}), resolver: async () => '192.0.2.53'};
	const result = await evaluateCheck(checkLine(line.replaceAll('ROOT', root)), probes);
	return {...result, message: result.message.replaceAll(root, 'ROOT'), actual: result.actual?.replaceAll(root, 'ROOT')};
}

const temporaryCheck = 'file ROOT/tmp type=dir mode=1777';
test('sticky /tmp passes', evaluates, {tmp: {dir: 0o1777}}, temporaryCheck, {status: 'pass'});
test('chmod 777 without +t', evaluates, {tmp: {dir: 0o777}}, temporaryCheck, {status: 'fail', actual: 'dir, mode 0777', expected: 'dir, mode 1777', message: /without the sticky bit \(expected 1777\).*inside the container run chmod \+t \/tmp$/});
test('a plain 0755 /tmp', evaluates, {tmp: {dir: 0o755}}, temporaryCheck, {status: 'fail', message: /has mode 0755, expected 1777: inside the container run chmod 1777 \/tmp/});
test('no /tmp at all', evaluates, {etc: {dir: 0o755}}, temporaryCheck, {status: 'fail', actual: 'missing', message: /ROOT\/tmp does not exist: create it inside the container: mkdir -p \/tmp/});
test('/tmp is a file', evaluates, {tmp: {file: ''}}, temporaryCheck, {status: 'fail', message: /is a regular file, expected a directory/});
test('mode=777 means 0777', evaluates, {tmp: {dir: 0o777}}, 'file ROOT/tmp mode=777', {status: 'pass'});

const resolvCheck = String.raw`file ROOT/etc/resolv.conf type=file match="^nameserver " not-match="^nameserver 127\."`;
test('a real resolver', evaluates, {'etc/resolv.conf': {file: 'nameserver 192.0.2.53\n'}}, resolvCheck, {status: 'pass'});
test('the copied systemd stub', evaluates, {'etc/resolv.conf': {file: '# This is /run/systemd/resolve/stub-resolv.conf\nnameserver 127.0.0.53\noptions edns0 trust-ad\n'}}, resolvCheck, {
	status: 'fail',
	message: /names nameserver 127\.0\.0\.53, a loopback stub .* nothing in the container can reach: inside the container, write the host's real resolver instead: echo "nameserver 192\.0\.2\.53" > \/etc\/resolv\.conf$/,
});
test('a stub when the check asks for the resolver by value', evaluates, {'etc/resolv.conf': {file: 'nameserver 127.0.0.53\n'}}, String.raw`file ROOT/etc/resolv.conf match="^nameserver 192\.0\.2\.53$"`, {status: 'fail', message: /loopback stub/});
test('an empty resolv.conf', evaluates, {'etc/resolv.conf': {file: ''}}, resolvCheck, {status: 'fail', actual: 'file, mode 0644, empty', message: /^no line of ROOT\/etc\/resolv\.conf matches \/\^nameserver \/ \(the file is empty\): inside the container, echo "nameserver 192\.0\.2\.53" > \/etc\/resolv\.conf$/});
test('a dangling symlink into /run', evaluates, {'etc/resolv.conf': {symlink: '../run/systemd/resolve/stub-resolv.conf'}}, resolvCheck, {
	status: 'fail',
	actual: 'symlink → ../run/systemd/resolve/stub-resolv.conf (dangling in the rootfs)',
	message: /is a symlink to \.\.\/run\/systemd\/resolve\/stub-resolv\.conf, which is dangling: it does not exist inside the rootfs .*replace it with a real file — inside the container: rm \/etc\/resolv\.conf; echo "nameserver 192\.0\.2\.53" > \/etc\/resolv\.conf/,
});
test('an absolute symlink to a file only the host has is dangling in the rootfs', evaluates, {'etc/resolv.conf': {symlink: '/etc/hostname'}}, 'file ROOT/etc/resolv.conf match=.', {
	status: 'fail',
	message: /which is dangling: it does not exist inside the rootfs \(\/etc\/hostname resolves under ROOT, not on the host\)/,
});
test('a symlink to a file inside the rootfs is followed there', evaluates, {
	'etc/resolv.conf': {symlink: '/run/resolv.conf'},
	'run/resolv.conf': {file: 'nameserver 192.0.2.53\n'},
}, 'file ROOT/etc/resolv.conf match="^nameserver "', {status: 'pass'});
test('type=file rejects a symlink even when it resolves', evaluates, {
	'etc/resolv.conf': {symlink: '/run/resolv.conf'},
	'run/resolv.conf': {file: 'nameserver 192.0.2.53\n'},
}, resolvCheck, {status: 'fail', message: /is a symlink to \/run\/resolv\.conf: replace it with a real file/});
test('a symlink loop', evaluates, {'etc/a': {symlink: 'b'}, 'etc/b': {symlink: 'a'}}, 'file ROOT/etc/a match=x', {status: 'fail', message: /which loops/});
test('type=symlink', evaluates, {'etc/mtab': {symlink: '../proc/self/mounts'}}, 'file ROOT/etc/mtab type=symlink', {status: 'pass'});
test('type=symlink on a file', evaluates, {'etc/mtab': {file: ''}}, 'file ROOT/etc/mtab type=symlink', {status: 'fail', message: /is a regular file, not a symlink/});
test('not-match names the offending line', evaluates, {'etc/hosts': {file: '127.0.0.1 localhost\n10.0.0.9 bad\n'}}, 'file ROOT/etc/hosts not-match=bad$', {status: 'fail', message: /has the line "10\.0\.0\.9 bad"/});
test('match on a directory', evaluates, {etc: {dir: 0o755}}, 'file ROOT/etc match=x', {status: 'fail', message: /is not a regular file/});
test('absent and missing', evaluates, {etc: {dir: 0o755}}, 'file ROOT/etc/gone absent', {status: 'pass'});
test('absent but there', evaluates, {'etc/gone': {file: 'x'}}, 'file ROOT/etc/gone absent', {status: 'fail', message: /still exists .*inside the container: rm -r \/etc\/gone/});
test('a dangling symlink still exists', evaluates, {'etc/gone': {symlink: '/nowhere'}}, 'file ROOT/etc/gone absent', {status: 'fail'});
test('an existing path with no conditions', evaluates, {etc: {dir: 0o755}}, 'file ROOT/etc', {status: 'pass'});

test('a host path says "on the host"', async t => {
	const host = await makeTree(t, {'cache/dir': {dir: 0o700}});
	const probes = createProbes({rootfs: '/nonexistent-rootcamp-rootfs'});
	const result = await evaluateCheck(checkLine(`file ${join(host, 'cache/dir')} mode=0755`), probes);
	t.is(result.status, 'fail');
	t.regex(result.message, /has mode 0700, expected 0755: on the host run chmod 0755 \/tmp\//);
});

test('judge is pure: a fact in, a verdict out', t => {
	const check = checkLine('file /ubunturoot/tmp type=dir mode=1777');
	const result = judge(check, {path: '/ubunturoot/tmp', rootfs: '/ubunturoot', inside: '/tmp', fact: {type: 'dir', mode: '0777', size: 4096}});
	t.like(result, {status: 'fail', expected: 'dir, mode 1777', actual: 'dir, mode 0777', check: 'file /ubunturoot/tmp type=dir mode=1777'});
});

const invalid = validates(validate);

test(invalid, 'file {{rootfs}}/tmp type=dir mode=1777', undefined);
test(invalid, String.raw`file {{rootfs}}/etc/resolv.conf type=file match="^nameserver {{resolver}}$" not-match="^nameserver 127\."`, undefined);
test(invalid, 'file', /missing a path/);
test(invalid, 'file etc/resolv.conf', /must be an absolute path/);
test(invalid, 'file /a /b', /takes one path/);
test(invalid, 'file /tmp mode=999', /3 or 4 octal digits/);
test(invalid, 'file /tmp mode=17777', /3 or 4 octal digits/);
test(invalid, 'file /tmp type=fifo', /must be one of file, dir, symlink/);
test(invalid, 'file /tmp match=(', /not a valid regular expression/);
test(invalid, 'file /tmp not-match=[', /not a valid regular expression/);
test(invalid, 'file /tmp colour=red', /unknown option `colour`/);
test(invalid, 'file /tmp absent mode=1777', /`absent` and `mode` cannot be combined/);
test(invalid, 'file /tmp up', /unknown option `up`/);

/** A device node, the way fileFact describes one. */
const node = (rdev: string, mode = '0666', special: 'char' | 'block' = 'char'): FileFact => ({type: 'other', mode, size: 0, special, rdev});
const inContainer = (inside: string, fact: FileFact | null, extra: Partial<FileData> = {}): FileData => ({path: `/proc/24915/root${inside}`, rootfs: '/proc/24915/root', inside, fact, ...extra});

const judgesData = test.macro({
	exec(t, line: string, data: FileData, expected: Expected) {
		expectResult(t, judge(checkLine(line), data), expected);
	},
	title: (given, line: string) => `${given}: ${line}`,
});

const nullCheck = 'file /proc/24915/root/dev/null type=char dev=1:3 mode=0666';
test('the null device', judgesData, nullCheck, inContainer('/dev/null', node('1:3')), {status: 'pass', actual: 'char 1:3, mode 0666'});
test('no node yet', judgesData, nullCheck, inContainer('/dev/null', null), {status: 'fail', message: /^\/proc\/24915\/root\/dev\/null does not exist: create it inside the container: mknod -m 0666 \/dev\/null c 1 3$/});
test('a regular file where null should be: `> /dev/null` came first', judgesData, nullCheck, inContainer('/dev/null', {type: 'file', mode: '0644', size: 3, preview: 'hi\n'}), {
	status: 'fail', message: /is a regular file, expected a character device: something wrote to \/dev\/null before the device node existed, which creates an ordinary file; inside the container run rm \/dev\/null; mknod -m 0666 \/dev\/null c 1 3$/,
});
test('the wrong numbers', judgesData, nullCheck, inContainer('/dev/null', node('1:5')), {status: 'fail', message: /is character device 1:5, expected 1:3: the numbers name the driver, not the file name; inside the container run rm \/dev\/null; mknod -m 0666 \/dev\/null c 1 3$/});
test('made without -m: the umask left 0644', judgesData, nullCheck, inContainer('/dev/null', node('1:3', '0644')), {status: 'fail', message: /has mode 0644, expected 0666: inside the container run chmod 0666 \/dev\/null/});
test('a block device where a character device should be', judgesData, 'file /proc/24915/root/dev/null type=char', inContainer('/dev/null', node('7:0', '0660', 'block')), {status: 'fail', message: /is a block device, expected a character device: inside the container run rm -r \/dev\/null; mknod -m 666 \/dev\/null c MAJOR MINOR$/});
test('a block device, by type', judgesData, 'file /dev/sda type=block dev=8:0', {path: '/dev/sda', inside: '/dev/sda', fact: node('8:0', '0660', 'block')}, {status: 'pass'});
test('a symlink where a node should be', judgesData, nullCheck, inContainer('/dev/null', {type: 'symlink', mode: '0777', size: 9, target: '/dev/zero'}, {target: {inside: '/dev/zero', fact: node('1:5')}}), {status: 'fail', message: /is a symlink to \/dev\/zero: replace it with a real character device$/});

const devCheck = 'file /proc/24915/root/dev type=dir no-block';
const dir: FileFact = {type: 'dir', mode: '0755', size: 120};
const entry = (name: string, fact: FileFact) => ({name, fact});
test('a /dev with only the safe nodes', judgesData, devCheck, inContainer('/dev', dir, {entries: [entry('null', node('1:3')), entry('pts', dir)]}), {status: 'pass', actual: 'dir, mode 0755, 2 entries, no block devices'});
test('the host\'s /dev bind-mounted: its disks show', judgesData, devCheck, inContainer('/dev', dir, {entries: [entry('null', node('1:3')), entry('sda', node('8:0', '0660', 'block')), entry('sda1', node('8:1', '0660', 'block'))]}), {
	status: 'fail', actual: 'dir, mode 0755, block devices: sda, sda1', message: /holds block devices \(sda, sda1\): disks of the host are visible inside the container, and its root could read and write them raw/,
});

test('a node seen through /proc/PID/root, as that process sees it', evaluates, {}, `file /proc/${process.pid}/root/dev/null type=char dev=1:3 mode=0666`, {status: 'pass'});

test(invalid, 'file /proc/1/root/dev/null type=char dev=1:3 mode=0666', undefined);
test(invalid, 'file {{rootfs}}/dev type=dir no-block', undefined);
test(invalid, 'file /dev/null dev=1:3', /`dev=` needs type=char or type=block/);
test(invalid, 'file /dev/null type=char dev=null', /`dev=null` must be MAJOR:MINOR/);
test(invalid, 'file /dev type=file no-block', /`no-block` is for a directory/);
test(invalid, 'file /dev/null type=fifo', /`type=fifo` must be one of file, dir, symlink, char, block/);
test(invalid, 'file /dev absent no-block', /`absent` and `no-block` cannot be combined/);
