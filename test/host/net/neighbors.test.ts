import {readFileSync} from 'node:fs';
import test from 'ava';
import {isResolved, parseIpNeighbors, type Neighbor} from '../../../src/host/net/neighbors.ts';

const neighbors = (name: string) => parseIpNeighbors(readFileSync(new URL(`../../fixtures/ip/${name}.json`, import.meta.url), 'utf8'));

test('the host\'s ARP table', t => {
	t.deepEqual(neighbors('neigh-host'), [
		{address: '192.0.2.1', dev: 'eth0', lladdr: '02:fc:00:00:00:fe', state: ['REACHABLE']},
		{address: '10.200.0.2', dev: 'vethHost', lladdr: '96:cc:88:d2:cf:05', state: ['STALE']},
		{address: '192.0.2.7', dev: 'eth0', state: ['FAILED']},
	]);
});

test('ip leaves dev out when asked for one device', t => {
	t.deepEqual(parseIpNeighbors('[{"dst":"10.200.0.2","lladdr":"96:cc:88:d2:cf:05","state":["REACHABLE"]}]', 'vethHost'), [
		{address: '10.200.0.2', dev: 'vethHost', lladdr: '96:cc:88:d2:cf:05', state: ['REACHABLE']},
	]);
	t.deepEqual(parseIpNeighbors('[{"dst":"10.200.0.2","state":["FAILED"]}]'), [], 'an entry without a device is dropped');
});

test('empty output is an empty table', t => {
	t.deepEqual(parseIpNeighbors(''), []);
});

const resolved = test.macro({
	exec(t, neighbor: Neighbor, expected: boolean) {
		t.is(isResolved(neighbor), expected);
	},
	title: (_, neighbor: Neighbor, expected: boolean) => `${neighbor.state.join(' ')}${neighbor.lladdr ? ' with a MAC' : ''} → ${expected ? 'resolved' : 'unresolved'}`,
});

const mac = '96:cc:88:d2:cf:05';
test(resolved, {address: '10.200.0.2', dev: 'vethHost', lladdr: mac, state: ['REACHABLE']}, true);
test(resolved, {address: '10.200.0.2', dev: 'vethHost', lladdr: mac, state: ['STALE']}, true);
test(resolved, {address: '10.200.0.2', dev: 'vethHost', lladdr: mac, state: ['DELAY']}, true);
test(resolved, {address: '10.200.0.2', dev: 'vethHost', state: ['INCOMPLETE']}, false);
test(resolved, {address: '10.200.0.2', dev: 'vethHost', state: ['FAILED']}, false);
test(resolved, {address: '10.200.0.2', dev: 'vethHost', lladdr: mac, state: ['FAILED']}, false);
