import test from 'ava';
import {findJail} from '../../../src/host/proc/jail.ts';
import {fakeProc, type FakeProcess} from '../../helpers/fake-proc.ts';

const hostTable = '26 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n21 26 0:20 / /proc rw - proc proc rw\n';
const bind = '84 26 254:0 /ubunturoot /ubunturoot rw,relatime - ext4 /dev/vda rw\n';
const pivoted = '84 63 254:0 /ubunturoot / rw,relatime - ext4 /dev/vda rw\n65 84 0:39 / /proc rw - proc proc rw\n';

/** rootcamp, the container (unshare and its PID-1 shell), and a service with a private mount table. */
const base: Record<number, FakeProcess> = {
	100: {command: 'node', mountinfo: hostTable},
	200: {command: 'unshare', ns: {mnt: 'mnt:[900]'}, mountinfo: hostTable + bind},
	201: {command: 'bash', ppid: 200, root: '/ubunturoot', nspid: [201, 1], ns: {mnt: 'mnt:[900]', pid: 'pid:[901]'}, mountinfo: hostTable + bind},
	250: {command: 'systemd-resolve', ns: {mnt: 'mnt:[950]'}, mountinfo: hostTable},
};

/** The jail: unshare, and the shell it forked as PID 1 of a new PID namespace. */
const jail = (table: string, start = 300): Record<number, FakeProcess> => ({
	300: {command: 'unshare', ppid: 1, start, ns: {mnt: 'mnt:[700]'}, mountinfo: table},
	301: {command: 'sh', ppid: 300, start: start + 1, nspid: [301, 1], ns: {mnt: 'mnt:[700]', pid: 'pid:[701]'}, mountinfo: table},
});

const finds = test.macro({
	async exec(t, processes: Record<number, FakeProcess>, exclude: number[], expected: {pid: number; own?: string[]} | null) {
		const proc = await fakeProc(t, processes, 100);
		const found = await findJail('/ubunturoot', {proc, exclude});
		if (expected === null) {
			t.is(found, null);
		} else {
			t.like(found, expected);
		}
	},
	title: given => `findJail: ${given}`,
});

test('no jail: a private mount table without the rootfs is not one', finds, base, [201], null);
test('before the bind it cannot be told apart', finds, {...base, ...jail(hostTable)}, [201], null);
test('after the bind: the PID-1 shell, not unshare', finds, {...base, ...jail(hostTable + bind)}, [201], {pid: 301, own: ['pid', 'mnt']});
test('after pivot_root its / is the rootfs', finds, {...base, ...jail(pivoted)}, [201], {pid: 301, mountNamespace: 'mnt:[700]'} as never);
test('the container\'s own mount namespace is never the jail', finds, base, [201], null);
test('without a PID namespace the topmost process', finds, {...base, 300: {command: 'sh', ns: {mnt: 'mnt:[700]'}, mountinfo: hostTable + bind}}, [201], {pid: 300, own: ['mnt']});
test('the newest of two jails', finds, {...base, ...jail(pivoted, 300), 400: {command: 'sh', start: 900, ns: {mnt: 'mnt:[800]'}, mountinfo: pivoted}}, [201], {pid: 400});
