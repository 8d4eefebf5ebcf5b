import test from 'ava';
import {judge, probe, validate, type PackageData} from '../../src/check/kinds/package.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {validates} from '../helpers/validate-macro.ts';

const judges = test.macro({
	exec(t, line: string, data: Omit<PackageData, 'rootfs'>, expected: Expected) {
		const result = judge(checkLine(line), {rootfs: '/ubunturoot', ...data});
		expectResult(t, result, expected);
	},
	title: (given, line: string) => `${given}: ${line}`,
});

const base = ['apt', 'bash', 'coreutils'];
test('both installed', judges, 'package iproute2 vim', {installed: [...base, 'iproute2', 'vim']}, {status: 'pass', message: /iproute2 and vim are installed in \/ubunturoot/});
test('one missing', judges, 'package iproute2 vim', {installed: [...base, 'iproute2']}, {status: 'fail', message: /^vim is not installed in \/ubunturoot: inside the container run apt-get install -y vim$/});
test('none installed yet', judges, 'package iproute2 vim', {installed: base}, {status: 'fail', actual: '3 packages installed; missing iproute2, vim', message: /iproute2 and vim are not installed/});
test('a busybox rootfs has no dpkg', judges, 'package vim', {installed: null}, {status: 'fail', message: /has no dpkg database/});
test('apt lists downloaded', judges, 'package apt-lists', {aptLists: 4}, {status: 'pass', actual: '4 index files'});
test('apt-get update not run', judges, 'package apt-lists', {aptLists: 0}, {status: 'fail', message: /holds no package indexes: inside the container run apt-get update/});

test('probe reads packages or lists, not both', async t => {
	const probes = fakeProbes({packages: async () => ['vim'], aptLists: async () => 3});
	t.deepEqual(await probe(checkLine('package vim'), probes), {rootfs: '/ubunturoot', installed: ['vim']});
	t.deepEqual(await probe(checkLine('package apt-lists'), probes), {rootfs: '/ubunturoot', aptLists: 3});
});

const invalid = validates(validate);
test(invalid, 'package iproute2 vim', undefined);
test(invalid, 'package apt-lists', undefined);
test(invalid, 'package libstdc++6 python3.12', undefined);
test(invalid, 'package', /needs package names/);
test(invalid, 'package apt-lists vim', /stands alone/);
test(invalid, 'package Vim!', /not a Debian package name: `Vim!`/);
test(invalid, 'package vim version=9', /unknown option `version`/);
