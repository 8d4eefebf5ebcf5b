import test from 'ava';
import {findContainer} from '../../../src/host/proc/container.ts';
import type {ContainerInfo} from '../../../src/host/types.ts';
import {procFixture} from '../../helpers/proc-fixture.ts';

const finds = test.macro({
	async exec(t, proc: string, rootfs: string, expected: Partial<ContainerInfo> | null) {
		const container = await findContainer(rootfs, {proc: await procFixture(t, proc)});
		if (expected === null) {
			t.is(container, null);
		} else {
			t.like(container, expected);
		}
	},
	title: (given, proc: string, rootfs: string) => `${given}: ${proc} ${rootfs}`,
});

test('the write-up\'s shell, not its child or a plain chroot', finds, 'proc-container', '/ubunturoot', {pid: 201, parentPid: 200, root: '/ubunturoot', own: ['pid', 'mnt'], command: '/bin/bash', startTime: 5001});
test('a trailing slash', finds, 'proc-container', '/ubunturoot/', {pid: 201});
test('another rootfs', finds, 'proc-container', '/var/tmp/other', {pid: 600, own: ['pid', 'mnt']});
test('nothing rooted there', finds, 'proc-container', '/nowhere', null);
test('no container at all', finds, 'proc-none', '/ubunturoot', null);
test('the newest PID-1 shell wins over an older one and an nsenter\'d shell', finds, 'proc-two', '/ubunturoot', {pid: 211, own: ['pid', 'mnt', 'net']});
test('a root that ends in (deleted)', finds, 'proc-deleted', '/ubunturoot', {pid: 201, root: '/ubunturoot'});

test('the real host has no container in a missing rootfs', async t => {
	t.is(await findContainer('/nonexistent-rootcamp-rootfs'), null);
});

test('the side shells are never the container: a pivoted jail reads / as its root, a rootless shell is in the host\'s PID namespace', async t => {
	const {fakeProc} = await import('../../helpers/fake-proc.ts');
	const proc = await fakeProc(t, {
		100: {command: 'node'},
		200: {command: 'unshare', start: 200},
		201: {command: 'bash', ppid: 200, start: 201, root: '/ubunturoot', nspid: [201, 1], ns: {mnt: 'mnt:[900]', pid: 'pid:[901]', net: 'net:[902]'}},
		301: {command: 'sh', ppid: 300, start: 900, root: '/', nspid: [301, 1], ns: {mnt: 'mnt:[700]', pid: 'pid:[701]'}},
		400: {command: 'sh', start: 950, root: '/', uid: 65_534, ns: {user: 'user:[800]'}},
	}, 100);
	t.like(await findContainer('/ubunturoot', {proc}), {pid: 201, own: ['pid', 'mnt', 'net']});
});
