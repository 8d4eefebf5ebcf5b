import {readFileSync} from 'node:fs';
import test from 'ava';
import {parseIpJson} from '../../src/host/net/links.ts';
import {parseIpRoutes} from '../../src/host/net/routes.ts';
import {staticVariables, whyMissing, wireVariables} from '../../src/workshop/variables.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ip/${name}.json`, import.meta.url), 'utf8');
const none = {subnet: undefined, prefix: undefined, 'host-address': undefined, 'container-address': undefined};

test('the pair\'s addresses: the first free /30, its own addresses not counted', async t => {
	const probes = fakeProbes({routes: async () => parseIpRoutes(fixture('route-host')), hostLinks: async () => parseIpJson(fixture('host-veth'))});
	t.deepEqual(await wireVariables(probes, ['vethHost', 'vethCont', 'lo']), {subnet: '10.200.0.0/30', prefix: '30', 'host-address': '10.200.0.1', 'container-address': '10.200.0.2'});
});

test('a host that routes 10/8 gets the next candidate', async t => {
	const probes = fakeProbes({routes: async () => [{dst: '10.0.0.0/8', dev: 'wg0', type: 'unicast', table: 'main'}]});
	t.like(await wireVariables(probes, []), {subnet: '172.31.200.0/30', 'host-address': '172.31.200.1'});
});

test('every candidate taken: no values, so lessons say why', async t => {
	const probes = fakeProbes({routes: async () => ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(dst => ({dst, dev: 'eth0', type: 'unicast', table: 'main'}))});
	t.deepEqual(await wireVariables(probes, []), none);
});

test('routes that cannot be read: no values, no crash', async t => {
	const probes = fakeProbes({async routes() {
		throw new Error('`ip` was not found: install iproute2');
	}});
	t.deepEqual(await wireVariables(probes, []), none);
});

test('the layers lesson\'s stack: the tarball and the lesson\'s layer; on the image route the image\'s own layers under it, top first', t => {
	const paths = {state: '/s/rootcamp', cache: '/c/rootcamp', run: '/s/rootcamp/run'};
	t.like(staticVariables('/ubunturoot', 'busybox', paths), {layers: '/c/rootcamp/layers', top: '2', lowers: '/c/rootcamp/layers/2:/c/rootcamp/layers/1'});
	t.like(staticVariables('/ubunturoot', 'image', paths, {image: '/i.tar', imageLayers: 3}), {top: '4', lowers: '/c/rootcamp/layers/4:/c/rootcamp/layers/3:/c/rootcamp/layers/2:/c/rootcamp/layers/1'});
	t.like(staticVariables('/ubunturoot', 'image', paths, {image: '/i.tar'}), {top: undefined, lowers: undefined}, 'an image that could not be read');
	t.regex(whyMissing('lowers'), /could not read the layers of the image route's image/);
});
