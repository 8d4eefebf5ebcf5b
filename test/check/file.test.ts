import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {evaluateCheck} from '../../src/check/evaluate.ts';
import {judge, validate} from '../../src/check/kinds/file.ts';
import type {CheckResult} from '../../src/check/types.ts';
import {createProbes} from '../../src/host/probes.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {validates} from '../helpers/validate-macro.ts';
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

const tmpCheck = 'file ROOT/tmp type=dir mode=1777';
test('sticky /tmp passes', evaluates, {tmp: {dir: 0o1777}}, tmpCheck, {status: 'pass'});
test('chmod 777 without +t', evaluates, {tmp: {dir: 0o777}}, tmpCheck, {status: 'fail', actual: 'dir, mode 0777', expected: 'dir, mode 1777', message: /without the sticky bit \(expected 1777\).*inside the container run chmod \+t \/tmp$/});
test('a plain 0755 /tmp', evaluates, {tmp: {dir: 0o755}}, tmpCheck, {status: 'fail', message: /has mode 0755, expected 1777: inside the container run chmod 1777 \/tmp/});
test('no /tmp at all', evaluates, {etc: {dir: 0o755}}, tmpCheck, {status: 'fail', actual: 'missing', message: /ROOT\/tmp does not exist: create it inside the container: mkdir -p \/tmp/});
test('/tmp is a file', evaluates, {tmp: {file: ''}}, tmpCheck, {status: 'fail', message: /is a regular file, expected a directory/});
test('mode=777 means 0777', evaluates, {tmp: {dir: 0o777}}, 'file ROOT/tmp mode=777', {status: 'pass'});

const resolvCheck = 'file ROOT/etc/resolv.conf type=file match="^nameserver " not-match="^nameserver 127\\."';
test('a real resolver', evaluates, {'etc/resolv.conf': {file: 'nameserver 192.0.2.53\n'}}, resolvCheck, {status: 'pass'});
test('the copied systemd stub', evaluates, {'etc/resolv.conf': {file: '# This is /run/systemd/resolve/stub-resolv.conf\nnameserver 127.0.0.53\noptions edns0 trust-ad\n'}}, resolvCheck, {
	status: 'fail',
	message: /names nameserver 127\.0\.0\.53, a loopback stub .* nothing in the container can reach: inside the container, write the host's real resolver instead: echo "nameserver 192\.0\.2\.53" > \/etc\/resolv\.conf$/,
});
test('a stub when the check asks for the resolver by value', evaluates, {'etc/resolv.conf': {file: 'nameserver 127.0.0.53\n'}}, 'file ROOT/etc/resolv.conf match="^nameserver 192\\.0\\.2\\.53$"', {status: 'fail', message: /loopback stub/});
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
test(invalid, 'file {{rootfs}}/etc/resolv.conf type=file match="^nameserver {{resolver}}$" not-match="^nameserver 127\\."', undefined);
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
