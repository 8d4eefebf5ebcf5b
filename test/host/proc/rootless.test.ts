import test from 'ava';
import {findRootless, insideId, outsideId, parseIdMap, parseStatusIds, userIdOf} from '../../../src/host/proc/rootless.ts';
import {fakeProc, type FakeProcess} from '../../helpers/fake-proc.ts';

test('an ID map, aligned as the kernel prints it', t => {
	t.deepEqual(parseIdMap('         0      65534          1\n         1     100000      65536\n'), [
		{inside: 0, outside: 65_534, count: 1},
		{inside: 1, outside: 100_000, count: 65_536},
	]);
	t.deepEqual(parseIdMap(''), []);
});

const map = parseIdMap('0 65534 1\n1 100000 65536\n');
const translates = test.macro({
	exec(t, direction: 'inside' | 'outside', id: number, expected: number | undefined) {
		t.is(direction === 'inside' ? insideId(map, id) : outsideId(map, id), expected);
	},
	title: (_, direction: string, id: number, expected: number | undefined) => `${direction} of ${id} is ${expected}`,
});

test(translates, 'inside', 65_534, 0);
test(translates, 'inside', 100_004, 5);
test(translates, 'inside', 0, undefined);
test(translates, 'outside', 0, 65_534);
test(translates, 'outside', 65_536, 165_535);
test(translates, 'outside', 65_537, undefined);

test('Uid and Gid of /proc/PID/status', t => {
	const status = 'Name:\tsh\nUid:\t65534\t65534\t65534\t65534\nGid:\t65534\t65534\t65534\t65534\n';
	t.deepEqual(parseStatusIds(status), {real: 65_534, effective: 65_534});
	t.deepEqual(parseStatusIds(status, 'Gid'), {real: 65_534, effective: 65_534});
	t.is(parseStatusIds('Name:\tsh\n'), undefined);
});

const passwd = 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
test('users by name, and IDs as themselves', t => {
	t.is(userIdOf('nobody', passwd), 65_534);
	t.is(userIdOf('root', passwd), 0);
	t.is(userIdOf('1234', passwd), 1234);
	t.is(userIdOf('nosuchuser', passwd), undefined);
});

const rootless = (patch: Partial<FakeProcess> = {}): FakeProcess => ({command: 'sh', uid: 65_534, ns: {user: 'user:[500]'}, uidMap: '', start: 500, ...patch});

const finds = test.macro({
	async exec(t, processes: Record<number, FakeProcess>, expected: {pid: number; uidMap?: unknown} | null) {
		const proc = await fakeProc(t, {100: {command: 'node'}, ...processes}, 100);
		const found = await findRootless({proc});
		if (expected === null) {
			t.is(found, null);
		} else {
			t.like(found, expected);
		}
	},
	title: given => `findRootless: ${given}`,
});

test('none', finds, {}, null);
test('a fresh namespace, no map yet', finds, {500: rootless()}, {pid: 500, uidMap: []});
test('mapped: root inside is nobody outside', finds, {500: rootless({uidMap: '0 65534 1\n'})}, {pid: 500, uidMap: [{inside: 0, outside: 65_534, count: 1}]});
test('its children are not the shell', finds, {500: rootless(), 501: rootless({ppid: 500, start: 600})}, {pid: 500});
test('a browser sandbox maps its user to itself: not rootless', finds, {700: rootless({uid: 1000, uidMap: '1000 1000 1\n', ns: {user: 'user:[700]'}})}, null);
test('an ordinary user is preferred to root', finds, {500: rootless(), 800: rootless({uid: 0, start: 900, uidMap: '0 0 1\n', ns: {user: 'user:[800]'}})}, {pid: 500});
test('the newest of two', finds, {500: rootless(), 510: rootless({start: 800, ns: {user: 'user:[510]'}})}, {pid: 510});
test('a zombie has ended', finds, {500: rootless({state: 'Z'})}, null);
