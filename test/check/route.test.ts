import {readFileSync} from 'node:fs';
import test from 'ava';
import {judge, probe, validate, type RouteData} from '../../src/check/kinds/route.ts';
import {mainRoutes, parseIpRoutes, type IpRoute} from '../../src/host/net/routes.ts';
import type {ContainerInfo} from '../../src/host/types.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {validates} from '../helpers/validate-macro.ts';

const routes = (name: string) => mainRoutes(parseIpRoutes(readFileSync(new URL(`../fixtures/ip/${name}.json`, import.meta.url), 'utf8')));
const host = routes('route-host');
const inside = routes('route-container');
/** Addresses added, no default route yet. */
const connectedOnly = inside.filter(route => route.dst !== 'default');
const withNet: ContainerInfo = {pid: 24_915, root: '/ubunturoot', own: ['pid', 'mnt', 'net'], command: '/bin/bash', startTime: 1};
const withoutNet: ContainerInfo = {...withNet, own: ['pid', 'mnt']};

const judges = test.macro({
	exec(t, line: string, data: Omit<RouteData, 'side'>, expected: Expected) {
		const check = checkLine(line);
		expectResult(t, judge(check, {side: check.args[0] === 'container' ? 'container' : 'host', ...data}), expected);
	},
	title: (given, line: string) => `${given}: ${line}`,
});

const defaultLine = 'route container default via=10.200.0.1 dev=vethCont';
test('the default route via the host\'s end', judges, defaultLine, {container: withNet, routes: inside}, {
	status: 'pass', message: /^the container has a default route via 10\.200\.0\.1 dev vethCont$/, actual: 'default route via 10.200.0.1 dev vethCont',
});
test('no default route yet', judges, defaultLine, {container: withNet, routes: connectedOnly}, {
	status: 'fail', actual: 'no route to default',
	message: /^the container has no default route, so it can reach only the subnets of its own addresses: inside the container run ip route add default via 10\.200\.0\.1 dev vethCont$/,
});
test('a default route through the wrong gateway', judges, defaultLine, {container: withNet, routes: [...connectedOnly, {dst: 'default', gateway: '10.200.0.3', dev: 'vethCont', type: 'unicast', table: 'main'}]}, {
	status: 'fail', message: /is default route via 10\.200\.0\.3 dev vethCont, not a default route via 10\.200\.0\.1 dev vethCont: inside the container run ip route replace default via 10\.200\.0\.1 dev vethCont$/,
});
test('the host\'s subnet route, added with the address', judges, 'route host 10.200.0.0/30 dev=vethHost', {container: withNet, routes: host}, {status: 'pass', message: /the host has a route to 10\.200\.0\.0\/30 dev vethHost/});
test('the host\'s subnet route missing: the address is missing', judges, 'route host 10.200.0.0/30 dev=vethHost', {container: withNet, routes: host.filter(route => route.dev !== 'vethHost')}, {
	status: 'fail', message: /^there is no route to 10\.200\.0\.0\/30 on the host: the kernel adds it when an address of that subnet is put on vethHost with its prefix \(ip addr add ADDRESS\/30 dev vethHost\)$/,
});
test('through the wrong device', judges, 'route host 10.200.0.0/30 dev=vethHost', {container: withNet, routes: [{dst: '10.200.0.0/30', dev: 'eth0', type: 'unicast', table: 'main'}]}, {status: 'fail', message: /is route to 10\.200\.0\.0\/30 dev eth0, not a route to 10\.200\.0\.0\/30 dev vethHost/});
test('a one-address destination matches ip\'s bare address', judges, 'route host 10.9.9.9/32', {container: null, routes: [{dst: '10.9.9.9', dev: 'eth0', type: 'unicast', table: 'main'}]}, {status: 'pass'});
test('a blackhole is not a way there', judges, 'route host 10.9.9.0/24', {container: null, routes: [{dst: '10.9.9.0/24', type: 'blackhole', table: 'main'}]}, {status: 'fail', message: /there is no route to 10\.9\.9\.0\/24 on the host: on the host run ip route add 10\.9\.9\.0\/24$/});
test('absent and absent', judges, 'route container default absent', {container: withNet, routes: connectedOnly}, {status: 'pass'});
test('absent but there', judges, 'route container default absent', {container: withNet, routes: inside}, {status: 'fail', message: /there is a route to default in the container .*: inside the container run ip route del default$/});
test('no container: skip', judges, defaultLine, {container: null, routes: []}, {status: 'skip', message: /no container is running/});
test('a container sharing the host\'s network namespace', judges, defaultLine, {container: withoutNet, routes: host}, {status: 'fail', message: /shares the host's network namespace, so the container has no routing table of its own/});

const taken = (routes: IpRoute[]) => async () => routes;

test('probe: the container\'s main table', async t => {
	const data = await probe(checkLine(defaultLine), fakeProbes({container: async () => withNet, routes: async where => (where === 'container' ? parseIpRoutes(readFileSync(new URL('../fixtures/ip/route-container.json', import.meta.url), 'utf8')) : [])}));
	t.deepEqual(data, {side: 'container', container: withNet, routes: inside});
});

test('probe: no container, nothing read', async t => {
	const data = await probe(checkLine(defaultLine), fakeProbes({async routes() {
		throw new Error('should not be read');
	}}));
	t.deepEqual(data, {side: 'container', container: null, routes: []});
});

test('probe: the host side', async t => {
	const data = await probe(checkLine('route host 10.200.0.0/30'), fakeProbes({routes: taken(host)}));
	t.deepEqual(data, {side: 'host', container: null, routes: host});
});

const invalid = validates(validate);
test(invalid, 'route container default via=10.200.0.1 dev=vethCont', undefined);
test(invalid, 'route host {{subnet}} dev=vethHost', undefined);
test(invalid, 'route container default via={{host-address}}', undefined);
test(invalid, 'route host 10.0.0.0/8 absent', undefined);
test(invalid, 'route', /needs `host` or `container` first/);
test(invalid, 'route guest default', /needs `host` or `container` first, got `guest`/);
test(invalid, 'route host', /needs a destination/);
test(invalid, 'route host example.com', /is not `default` or an IPv4 prefix/);
test(invalid, 'route host default extra', /takes a side and one destination/);
test(invalid, 'route host default via=gateway', /`via=gateway` must be an IPv4 address/);
test(invalid, 'route host default absent via=10.0.0.1', /`absent` and `via` cannot be combined/);
test(invalid, 'route host default metric=5', /unknown option `metric`/);
