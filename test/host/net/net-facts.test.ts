import test from 'ava';
import {parseContainerFacts, parseNetFacts} from '../../../src/host/net/net-facts.ts';

const output = [
	'[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"operstate":"UNKNOWN","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},{"ifindex":5,"link":"vethCont","ifname":"vethHost","flags":["BROADCAST","UP"],"operstate":"DOWN","linkinfo":{"info_kind":"veth"},"addr_info":[]}]',
	'[{"type":"unicast","dst":"default","gateway":"192.0.2.1","dev":"eth0","table":"main","flags":[]},{"type":"unicast","dst":"fe80::/64","dev":"eth0","table":"main","flags":[]}]',
	'[{"dst":"192.0.2.1","dev":"eth0","lladdr":"02:fc:00:00:00:05","state":["STALE"]},{"dst":"fd00::1","dev":"eth0","state":["FAILED"]}]',
	'',
].join('\n');

test('one ip -batch answer gives links, IPv4 routes and IPv4 neighbours', t => {
	const facts = parseNetFacts(output);
	t.deepEqual(facts.links.map(link => [link.name, link.kind, link.peer, link.up]), [['lo', undefined, undefined, true], ['vethHost', 'veth', 'vethCont', true]]);
	t.deepEqual(facts.routes.map(route => route.dst), ['default'], 'IPv6 routes are left out');
	t.deepEqual(facts.neighbors.map(neighbor => neighbor.address), ['192.0.2.1'], 'IPv6 neighbours are left out');
});

test('empty answers are empty lists', t => {
	t.deepEqual(parseNetFacts('[]\n[]\n[]\n'), {links: [], routes: [], neighbors: []});
});

test('the container\'s answer starts with its hostname', t => {
	const facts = parseContainerFacts(`rootcamp\n${output}`);
	t.is(facts.hostname, 'rootcamp');
	t.deepEqual(facts.links.map(link => link.name), ['lo', 'vethHost']);
	t.deepEqual(facts.routes.map(route => route.dst), ['default']);
});
