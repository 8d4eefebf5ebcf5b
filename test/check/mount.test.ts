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
		async hostMounts() {
			throw new Error('not this one');
		},
	}));
	t.deepEqual(data, {side: 'container', target: '/proc', container: shell, mounts: [proc]});
});

test('probe without a container reads no mounts', async t => {
	const data = await probe(checkLine('mount container /proc'), fakeProbes({
		async containerMounts() {
			throw new Error('should not be read');
		},
	}));
	t.deepEqual(data.mounts, []);
});

const invalid = validates(validate);
test(invalid, 'mount container /proc type=proc', undefined);
test(invalid, 'mount host {{rootfs}}/proc absent', undefined);
test(invalid, 'mount /proc', /needs `container`, `host` or `jail` first/);
test(invalid, 'mount container', /missing the mount point/);
test(invalid, 'mount container proc', /must be an absolute path/);
test(invalid, 'mount container /proc /sys', /takes a side and one path/);
test(invalid, 'mount container /proc type=proc absent', /`absent` and `type` cannot be combined/);
test(invalid, 'mount container /proc fstype=proc', /unknown option `fstype`/);

const bindLine = (target: string, root: string, device = '254:0'): Mount => ({id: 84, parent: 63, target, fstype: 'ext4', source: '/dev/vda', options: 'rw', root, device});
const jailShell: ContainerInfo = {pid: 301, root: '/', own: ['pid', 'mnt'], command: '/bin/sh', startTime: 9};
const rootfsSource = {device: '254:0', root: '/ubunturoot'};
const jailJudges = test.macro({
	exec(t, line: string, jailFound: ContainerInfo | null, mounts: Mount[], expected: Expected) {
		const check = checkLine(line);
		const bind = check.options.bind === undefined ? {} : {bind: {path: check.options.bind, source: rootfsSource}};
		expectResult(t, judge(check, {side: 'jail', target: check.args[1]!, container: jailFound, mounts, ...bind}), expected);
	},
	title: (given, line: string) => `jail ${given}: ${line}`,
});

test('no jail: skip', jailJudges, 'mount jail / bind=/ubunturoot', null, [], {status: 'skip', message: /no jail shell is running/});
test('before pivot_root: the bind at its own path', jailJudges, 'mount jail /ubunturoot bind=/ubunturoot', jailShell, [bindLine('/', '/'), bindLine('/ubunturoot', '/ubunturoot')], {status: 'pass', message: /^\/ubunturoot is bind-mounted on \/ubunturoot in the jail$/});
test('before pivot_root: / is still the host\'s', jailJudges, 'mount jail / bind=/ubunturoot', jailShell, [bindLine('/', '/'), bindLine('/ubunturoot', '/ubunturoot')], {status: 'fail', message: /^\/ in the jail shows \/ of \/dev\/vda \(254:0\), not \/ubunturoot: its \/ is still the old root: in the jail shell, cd \/ubunturoot && pivot_root \. oldroot$/});
test('after pivot_root', jailJudges, 'mount jail / bind=/ubunturoot', jailShell, [bindLine('/', '/ubunturoot')], {status: 'pass'});
test('the same path on another disk is not the rootfs', jailJudges, 'mount jail / bind=/ubunturoot', jailShell, [bindLine('/', '/ubunturoot', '254:16')], {status: 'fail'});
test('the old root still mounted', jailJudges, 'mount jail /oldroot absent', jailShell, [bindLine('/', '/ubunturoot'), bindLine('/oldroot', '/')], {status: 'fail', message: /still mounted on \/oldroot in the jail: unmount it with umount -l \/oldroot in the jail shell/});
test('the old root gone', jailJudges, 'mount jail /oldroot absent', jailShell, [bindLine('/', '/ubunturoot')], {status: 'pass'});
test('no proc in the jail yet', jailJudges, 'mount jail /proc type=proc', jailShell, [bindLine('/', '/ubunturoot')], {status: 'fail', message: /in the jail shell run mount -t proc proc \/proc/});

test('probe reads the jail\'s table and where the bound directory lives', async t => {
	const data = await probe(checkLine('mount jail / bind=/ubunturoot'), fakeProbes({
		jail: async () => ({...jailShell, mountNamespace: 'mnt:[700]'}),
		jailMounts: async () => [bindLine('/', '/ubunturoot')],
		mountSource: async () => rootfsSource,
		async container() {
			throw new Error('not the container');
		},
	}));
	t.like(data, {side: 'jail', target: '/', mounts: [bindLine('/', '/ubunturoot')], bind: {path: '/ubunturoot', source: rootfsSource}});
});

test(invalid, 'mount jail / bind={{rootfs}}', undefined);
test(invalid, 'mount jail /oldroot absent', undefined);
test(invalid, 'mount jail / bind=rootfs', /must be an absolute path/);
test(invalid, 'mount jail /oldroot bind=/x absent', /`absent` and `bind` cannot be combined/);
