import test from 'ava';
import {evaluateCheck} from '../../src/check/evaluate.ts';
import {judge, validate, type TarballData} from '../../src/check/kinds/tarball.ts';
import {createProbes} from '../../src/host/probes.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {validates} from '../helpers/validate-macro.ts';

const line = 'tarball /root/ubuntu_root.tar has=bin,etc,usr lacks=proc,sys,tmp';

const judges = test.macro({
	exec(t, data: Omit<TarballData, 'path'>, expected: Expected) {
		const result = judge(checkLine(line), {path: '/root/ubuntu_root.tar', ...data});
		expectResult(t, result, expected);
	},
	title: given => `${given}`,
});

test('as the write-up made it', judges, {listing: {entries: ['bin', 'boot', 'etc', 'usr', 'var'], members: 5, size: 207 * 1024 * 1024}}, {status: 'pass', message: /217 MB/, expected: 'has bin/ etc/ usr/, not proc/ sys/ tmp/'});
test('not exported yet', judges, {listing: null}, {status: 'fail', actual: 'missing', message: /^there is no tarball at \/root\/ubuntu_root\.tar: create it with the export step$/});
test('corrupt', judges, {listing: null, error: '/root/ubuntu_root.tar is not a readable tar file: tar: This does not look like a tar archive'}, {status: 'fail', actual: 'unreadable', message: /This does not look like a tar archive/});
test('usr left out', judges, {listing: {entries: ['bin', 'etc'], members: 2, size: 10}}, {status: 'fail', message: /lacks usr\//});
test('proc and tmp copied too', judges, {listing: {entries: ['bin', 'etc', 'proc', 'tmp', 'usr'], members: 5, size: 10}}, {status: 'fail', message: /includes proc\/ tmp\/: leave proc\/ sys\/ tmp\/ out of the export/});

const fixture = (name: string) => new URL(`../fixtures/tarballs/${name}`, import.meta.url).pathname;

test('real tar files, end to end', async t => {
	const probes = createProbes({rootfs: '/nonexistent-rootcamp-rootfs'});
	const check = async (path: string) => evaluateCheck(checkLine(`tarball ${path} has=bin,etc,usr lacks=proc,sys,tmp`), probes);
	t.is((await check(fixture('rootfs-dot.tar'))).status, 'pass');
	t.regex((await check(fixture('rootfs-with-proc.tar'))).message, /includes proc\/ tmp\//);
	t.regex((await check(fixture('corrupt.tar'))).message, /not a readable tar file/);
	t.regex((await check(fixture('missing.tar'))).message, /there is no tarball/);
});

const invalid = validates(validate);
test(invalid, 'tarball {{tarball}} has=bin,etc,usr lacks=proc,sys,tmp', undefined);
test(invalid, 'tarball', /missing the tarball path/);
test(invalid, 'tarball a.tar', /must be an absolute path/);
test(invalid, 'tarball /a.tar /b.tar', /takes one path/);
test(invalid, 'tarball /a.tar without=proc', /unknown option `without`/);
