import test from 'ava';
import {ownNamespaces, readNamespaces} from '../../../src/host/proc/namespaces.ts';
import {procFixture} from '../../helpers/proc-fixture.ts';

test('reads every kind through self', async t => {
	const proc = await procFixture(t, 'proc-container');
	const namespaces = await readNamespaces('self', {proc});
	t.is(namespaces.pid, 'pid:[4026531836]');
	t.is(namespaces.net, 'net:[4026531833]');
	t.is(Object.keys(namespaces).length, 7);
});

test('the container\'s shell owns pid and mnt', async t => {
	const proc = await procFixture(t, 'proc-container');
	const [theirs, ours] = await Promise.all([readNamespaces(201, {proc}), readNamespaces('self', {proc})]);
	t.deepEqual(ownNamespaces(theirs, ours), ['pid', 'mnt']);
});

test('a process whose links are unreadable gives no kinds', async t => {
	const proc = await procFixture(t, 'proc-container');
	t.deepEqual(await readNamespaces(500, {proc}), {});
});

test('a vanished process rejects', async t => {
	const proc = await procFixture(t, 'proc-container');
	await t.throwsAsync(readNamespaces(99_999, {proc}));
});

test('a kind unknown on one side is not counted as own', t => {
	t.deepEqual(ownNamespaces({pid: 'pid:[1]', net: 'net:[2]'}, {pid: 'pid:[9]'}), ['pid']);
});

test('reads the real /proc/self', async t => {
	const namespaces = await readNamespaces('self');
	t.regex(namespaces.pid ?? '', /^pid:\[\d+]$/);
});
