import test from 'ava';
import {judge, probe, validate} from '../../src/check/kinds/jail.ts';
import type {JailInfo} from '../../src/host/proc/jail.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {validates} from '../helpers/validate-macro.ts';

const jail = (own: JailInfo['own']): JailInfo => ({pid: 301, parentPid: 300, root: '/', own, command: '/bin/sh', startTime: 9, mountNamespace: 'mnt:[700]'});

const judges = test.macro({
	exec(t, line: string, found: JailInfo | null, expected: Expected) {
		expectResult(t, judge(checkLine(line), {rootfs: '/ubunturoot', jail: found}), expected);
	},
	title: (given, line: string) => `${given}: ${line}`,
});

test('no jail yet', judges, 'jail own=mnt,pid', null, {status: 'fail', message: /no jail shell found: .*unshare --mount --pid --fork \/bin\/sh, then in it mount --bind \/ubunturoot \/ubunturoot/});
test('the jail', judges, 'jail own=mnt,pid', jail(['pid', 'mnt']), {status: 'pass', actual: 'pid 301 (/bin/sh) owns pid, mnt'});
test('a jail without a PID namespace', judges, 'jail own=mnt,pid', jail(['mnt']), {status: 'fail', message: /shares the host's pid namespace \(without a PID namespace of its own, a proc mounted in the jail is the host's, and \/proc\/1\/root leads straight out\): exit it and start it again with unshare --mount --pid --fork \/bin\/sh/});
test('any jail will do without own=', judges, 'jail', jail(['mnt']), {status: 'pass'});

test('probe asks for the jail', async t => {
	t.deepEqual(await probe(checkLine('jail'), fakeProbes({jail: async () => jail(['mnt'])})), {rootfs: '/ubunturoot', jail: jail(['mnt'])});
});

const invalid = validates(validate);
test(invalid, 'jail own=mnt,pid', undefined);
test(invalid, 'jail box', /takes no arguments/);
test(invalid, 'jail own=mount', /unknown namespace kind `mount`/);
test(invalid, 'jail pid=1', /unknown option `pid`/);
