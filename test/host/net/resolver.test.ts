import test from 'ava';
import {firstUpstream, isLoopback, parseNameservers, upstreamResolver} from '../../../src/host/net/resolver.ts';
import {makeTree} from '../../helpers/tree.ts';

const upstream = test.macro({
	exec(t, text: string, expected: string | undefined) {
		t.is(firstUpstream(text), expected);
	},
	title: given => `firstUpstream: ${given}`,
});

test('a plain server', upstream, 'nameserver 192.168.43.1\n', '192.168.43.1');
test('the systemd stub only', upstream, '# stub\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n', undefined);
test('a stub first, then a real one', upstream, 'nameserver 127.0.0.1\nnameserver ::1\nnameserver 10.0.0.1\n', '10.0.0.1');
test('IPv6 upstream', upstream, 'nameserver fd00::53\n', 'fd00::53');
test('commented out', upstream, '#nameserver 10.0.0.1\n', undefined);
test('leading spaces', upstream, '  nameserver\t10.0.0.2\n', '10.0.0.2');

test('parseNameservers keeps order', t => {
	t.deepEqual(parseNameservers('nameserver a\nnameserver b\n'), ['a', 'b']);
});

test('isLoopback', t => {
	t.true(isLoopback('127.0.0.53'));
	t.true(isLoopback('127.1.2.3'));
	t.true(isLoopback('::1'));
	t.true(isLoopback('0:0:0:0:0:0:0:1'));
	t.false(isLoopback('10.0.0.1'));
	t.false(isLoopback('fd00::1'));
});

test('behind the stub, reads systemd-resolved\'s upstream file', async t => {
	const root = await makeTree(t, {
		'etc/resolv.conf': {file: 'nameserver 127.0.0.53\noptions edns0\n'},
		'run/resolv.conf': {file: 'nameserver 192.0.2.53\nnameserver 192.0.2.54\n'},
	});
	t.is(await upstreamResolver({resolvConf: `${root}/etc/resolv.conf`, systemdResolvConf: `${root}/run/resolv.conf`}), '192.0.2.53');
});

test('a direct resolv.conf wins', async t => {
	const root = await makeTree(t, {'etc/resolv.conf': {file: 'nameserver 10.1.1.1\n'}});
	t.is(await upstreamResolver({resolvConf: `${root}/etc/resolv.conf`, systemdResolvConf: `${root}/missing`}), '10.1.1.1');
});

test('nothing readable is undefined', async t => {
	t.is(await upstreamResolver({resolvConf: '/nonexistent/a', systemdResolvConf: '/nonexistent/b'}), undefined);
});
