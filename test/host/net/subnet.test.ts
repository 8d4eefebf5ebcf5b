import {readFileSync} from 'node:fs';
import test from 'ava';
import {parseIpJson} from '../../../src/host/net/links.ts';
import {parseIpRoutes} from '../../../src/host/net/routes.ts';
import {chooseWireSubnet, overlaps, parseIpv4Prefix, takenPrefixes, wireCandidates} from '../../../src/host/net/subnet.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/ip/${name}.json`, import.meta.url), 'utf8');

const parsesPrefix = test.macro({
	exec(t, text: string, expected: ReturnType<typeof parseIpv4Prefix>) {
		t.deepEqual(parseIpv4Prefix(text), expected);
	},
	title: (_, text: string) => `parse ${text}`,
});

test(parsesPrefix, '10.200.0.0/30', {network: (10 * 2 ** 24) + (200 * 2 ** 16), length: 30});
test(parsesPrefix, '10.200.0.2/30', {network: (10 * 2 ** 24) + (200 * 2 ** 16), length: 30});
test(parsesPrefix, '192.0.2.2', {network: (192 * 2 ** 24) + (2 * 2 ** 8) + 2, length: 32});
test(parsesPrefix, '0.0.0.0/0', {network: 0, length: 0});
test(parsesPrefix, '10.256.0.0/16', undefined);
test(parsesPrefix, '10.0.0.0/33', undefined);
test(parsesPrefix, 'fe80::1/64', undefined);
test(parsesPrefix, 'default', undefined);

const overlapping = test.macro({
	exec(t, a: string, b: string, expected: boolean) {
		t.is(overlaps(a, b), expected);
		t.is(overlaps(b, a), expected, 'symmetric');
	},
	title: (_, a: string, b: string, expected: boolean) => `${a} ${expected ? 'overlaps' : 'does not overlap'} ${b}`,
});

test(overlapping, '10.200.0.0/30', '10.0.0.0/8', true);
test(overlapping, '10.200.0.0/30', '10.200.0.2', true);
test(overlapping, '10.200.0.0/30', '10.200.0.4/30', false);
test(overlapping, '10.200.0.0/30', '192.0.2.0/24', false);
test(overlapping, '172.31.200.0/30', '172.16.0.0/12', true);
test(overlapping, '10.200.0.0/30', 'fd00::/64', false);

test('what the host already uses: routes of every table and address subnets, not default routes', t => {
	const taken = takenPrefixes(parseIpRoutes(fixture('route-host')), parseIpJson(fixture('host-veth')));
	t.true(taken.includes('192.0.2.0/24'));
	t.true(taken.includes('127.0.0.0/8'));
	t.true(taken.includes('10.200.0.0/30'));
	t.false(taken.includes('default'));
});

test('the lesson\'s own links do not count: the choice holds once it has used it', t => {
	const routes = parseIpRoutes(fixture('route-host'));
	const links = parseIpJson(fixture('host-veth'));
	t.is(chooseWireSubnet(takenPrefixes(routes, links))?.subnet, '10.231.0.0/30', 'counted, 10.200.0.0/30 is taken');
	t.deepEqual(chooseWireSubnet(takenPrefixes(routes, links, {ignore: ['vethHost', 'vethCont']})), {
		subnet: '10.200.0.0/30', prefix: 30, hostAddress: '10.200.0.1', containerAddress: '10.200.0.2',
	});
});

const chooses = test.macro({
	exec(t, taken: string[], expected: string | undefined) {
		t.is(chooseWireSubnet(taken)?.subnet, expected);
	},
	title: (given, taken: string[], expected: string | undefined) => given ?? `taken ${taken.join(' ') || 'nothing'} → ${expected ?? 'none'}`,
});

test(chooses, [], '10.200.0.0/30');
test(chooses, ['10.200.0.0/16'], '10.231.0.0/30');
test('a VPN that routes all of 10/8', chooses, ['10.0.0.0/8'], '172.31.200.0/30');
test(chooses, ['10.0.0.0/8', '172.16.0.0/12'], '192.168.231.0/30');
test('every candidate taken', chooses, ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], undefined);

test('the second candidate split into its two usable addresses', t => {
	t.deepEqual(chooseWireSubnet(['10.200.0.0/16']), {subnet: '10.231.0.0/30', prefix: 30, hostAddress: '10.231.0.1', containerAddress: '10.231.0.2'});
	t.is(wireCandidates.length, 4);
});
