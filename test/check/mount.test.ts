import test from 'ava';
import {judge, probe, validate} from '../../src/check/kinds/mount.ts';
import {noContainerMessage} from '../../src/check/result.ts';
import type {ContainerInfo, Mount} from '../../src/host/types.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {validates} from '../helpers/validate-macro.ts';

const shell: ContainerInfo = {pid: 24_915, root: '/ubunturoot', own: ['pid', 'mnt'], command: '/bin/bash', startTime: 1};
const mount = (target: string, fstype: string): Mount => ({id: 1, parent: 0, target, fstype, source: fstype, options: 'rw'});
const proc = mount('/proc', 'proc');

const judges = test.macro({
	exec(t, line: string, container: ContainerInfo | null, mounts: Mount[], expected: Expected) {
		const check = checkLine(line);
		const side = check.args[0] === 'host' ? 'host' : 'container';
		const result = judge(check, {side, target: check.args[1]!.replace(/(.)\/$/, '$1'), container: side === 'host' ? null : container, mounts});
		expectResult(t, result, expected);
	},
	title: (given, line: string) => `${given}: ${line}`,
});

test('proc mounted inside', judges, 'mount container /proc type=proc', shell, [proc], {status: 'pass', actual: 'proc (proc) mounted on /proc'});
test('proc not mounted inside (ps fails)', judges, 'mount container /proc type=proc', shell, [], {
	status: 'fail',
	actual: 'nothing mounted on /proc',
	message: /^\/proc is not mounted inside the container.*inside the container run mount -t proc proc \/proc/,
});
test('no container: skip', judges, 'mount container /proc type=proc', null, [], {status: 'skip', message: new RegExp(`^${noContainerMessage}$`)});
test('no container: skip even for absent', judges, 'mount container /proc absent', null, [], {status: 'skip'});
test('the wrong filesystem', judges, 'mount container /proc type=proc', shell, [mount('/proc', 'tmpfs')], {status: 'fail', message: /\/proc has tmpfs mounted inside the container, not proc/});
test('the top of a stack decides', judges, 'mount container /proc type=proc', shell, [mount('/proc', 'tmpfs'), proc], {status: 'pass'});
test('a trailing slash', judges, 'mount container /proc/ type=proc', shell, [proc], {status: 'pass'});
test('another path', judges, 'mount container /tmp type=tmpfs', shell, [proc], {status: 'fail', message: /inside the container run mount -t tmpfs tmpfs \/tmp/});
test('absent and gone', judges, 'mount container /proc absent', shell, [], {status: 'pass'});
test('absent but mounted', judges, 'mount container /proc absent', shell, [proc], {status: 'fail', message: /proc is still mounted on \/proc inside the container: unmount it with umount \/proc/});
test('host side, nothing left under the rootfs', judges, 'mount host /ubunturoot/proc absent', null, [mount('/proc', 'proc')], {status: 'pass'});
test('host side, a leftover mount', judges, 'mount host /ubunturoot/proc absent', null, [mount('/ubunturoot/proc', 'proc')], {status: 'fail', message: /still mounted on \/ubunturoot\/proc on the host/});
test('host side, present', judges, 'mount host /proc type=proc', null, [proc], {status: 'pass'});

test('probe reads the container\'s table, not the host\'s', async t => {
	const data = await probe(checkLine('mount container /proc'), fakeProbes({
		container: async () => shell,
		containerMounts: async () => [proc],
		hostMounts: async () => {
			throw new Error('not this one');
		},
	}));
	t.deepEqual(data, {side: 'container', target: '/proc', container: shell, mounts: [proc]});
});

test('probe without a container reads no mounts', async t => {
	const data = await probe(checkLine('mount container /proc'), fakeProbes({
		containerMounts: async () => {
			throw new Error('should not be read');
		},
	}));
	t.deepEqual(data.mounts, []);
});

const invalid = validates(validate);
test(invalid, 'mount container /proc type=proc', undefined);
test(invalid, 'mount host {{rootfs}}/proc absent', undefined);
test(invalid, 'mount /proc', /needs `container` or `host` first/);
test(invalid, 'mount container', /missing the mount point/);
test(invalid, 'mount container proc', /must be an absolute path/);
test(invalid, 'mount container /proc /sys', /takes a side and one path/);
test(invalid, 'mount container /proc type=proc absent', /`absent` and `type` cannot be combined/);
test(invalid, 'mount container /proc fstype=proc', /unknown option `fstype`/);
