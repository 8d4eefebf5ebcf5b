import test from 'ava';
import {launchedShell} from '../../../src/host/proc/side-shells.ts';
import {fakeProc, type FakeProcess} from '../../helpers/fake-proc.ts';

const finds = test.macro({
	async exec(t, processes: Record<number, FakeProcess>, kind: 'mnt' | 'user', expected: number | undefined) {
		const proc = await fakeProc(t, {100: {command: 'node'}, ...processes}, 100);
		t.is((await launchedShell(300, kind, {proc}))?.pid, expected);
	},
	title: given => `launchedShell: ${given}`,
});

const jail = {mnt: 'mnt:[700]'};
test('the launcher has not exec\'d yet', finds, {300: {command: 'sh', ppid: 100}}, 'mnt', undefined);
test('unshare entered the namespace but has not forked', finds, {300: {command: 'unshare', ppid: 100, ns: jail}}, 'mnt', undefined);
test('the forked child is still unshare', finds, {300: {command: 'unshare', ppid: 100, ns: jail}, 301: {command: 'unshare', ppid: 300, ns: jail}}, 'mnt', undefined);
test('the launcher was listed as sh, then exec\'d unshare and entered the namespace', finds, {300: {command: 'sh', execedTo: 'unshare', ppid: 100, ns: jail}}, 'mnt', undefined);
test('the forked child became the shell', finds, {300: {command: 'unshare', ppid: 100, ns: jail}, 301: {command: 'sh', ppid: 300, ns: jail}}, 'mnt', 301);
test('the rootless shell is the launcher itself', finds, {300: {command: 'sh', ppid: 100, ns: {user: 'user:[500]'}}}, 'user', 300);
test('a command the shell runs is not the shell', finds, {300: {command: 'sh', ppid: 100, ns: {user: 'user:[500]'}}, 301: {command: 'id', ppid: 300, ns: {user: 'user:[500]'}}}, 'user', 300);
