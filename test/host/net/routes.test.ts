import {readFileSync} from 'node:fs';
import test from 'ava';
import {describeRoute, mainRoutes, normalizeDestination, parseIpRoutes, type IpRoute} from '../../../src/host/net/routes.ts';

const routes = (name: string) => parseIpRoutes(readFileSync(new URL(`../../fixtures/ip/${name}.json`, import.meta.url), 'utf8'));

const parses = test.macro({
	exec(t, fixture: string, dst: string, expected: Partial<IpRoute>) {
		t.like(routes(fixture).find(route => route.dst === dst), expected);
	},
	title: (given, fixture: string, dst: string) => given ?? `${fixture}: ${dst}`,
});

test('the host\'s default route', parses, 'route-host', 'default', {gateway: '192.0.2.1', dev: 'eth0', type: 'unicast', table: 'main'});
test('the pair\'s subnet, added by the kernel', parses, 'route-host', '10.200.0.0/30', {dev: 'vethHost', protocol: 'kernel', scope: 'link', prefsrc: '10.200.0.1', table: 'main'});
test('a local route of the local table', parses, 'route-host', '10.200.0.1', {type: 'local', table: 'local', dev: 'vethHost'});
test('the container\'s default route via the host\'s end', parses, 'route-container', 'default', {gateway: '10.200.0.1', dev: 'vethCont'});

test('the main table is what ip route shows', t => {
	t.deepEqual(mainRoutes(routes('route-host')).map(route => route.dst), ['default', '10.200.0.0/30', '192.0.2.0/24']);
	t.deepEqual(mainRoutes(routes('route-container')).map(route => route.dst), ['default', '10.200.0.0/30']);
});

test('fields ip leaves out stay out', t => {
	t.deepEqual(parseIpRoutes('[{"dst":"default","gateway":"10.200.0.1","dev":"vethCont","flags":[]}]'), [{dst: 'default', gateway: '10.200.0.1', dev: 'vethCont', type: 'unicast', table: 'main'}]);
});

test('empty output is no routes; an entry without a destination is dropped', t => {
	t.deepEqual(parseIpRoutes(''), []);
	t.deepEqual(parseIpRoutes('[{"dev":"eth0"}]'), []);
});

test('malformed output throws', t => {
	t.throws(() => parseIpRoutes('{oops'));
});

const normalizes = test.macro({
	exec(t, dst: string, expected: string) {
		t.is(normalizeDestination(dst), expected);
	},
	title: (_, dst: string, expected: string) => `normalize ${dst} → ${expected}`,
});

test(normalizes, 'default', 'default');
test(normalizes, '0.0.0.0/0', 'default');
test(normalizes, '10.200.0.0/30', '10.200.0.0/30');
test(normalizes, '10.200.0.1', '10.200.0.1/32');

test('described in words', t => {
	t.is(describeRoute({dst: 'default', gateway: '10.200.0.1', dev: 'vethCont', type: 'unicast', table: 'main'}), 'default route via 10.200.0.1 dev vethCont');
	t.is(describeRoute({dst: '10.200.0.0/30', dev: 'vethHost', type: 'unicast', table: 'main'}), 'route to 10.200.0.0/30 dev vethHost');
});
