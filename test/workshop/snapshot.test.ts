import test from 'ava';
import type {Mount} from '../../src/host/types.ts';
import {takeSnapshot, underRoot} from '../../src/workshop/snapshot.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';

const mount = (target: string): Mount => ({id: 1, parent: 0, target, fstype: 'proc', source: 'proc', options: 'rw'});

test('host mounts at or under the rootfs only', t => {
	t.deepEqual(underRoot([mount('/'), mount('/ubunturoot'), mount('/ubunturoot/proc'), mount('/ubunturootx')], '/ubunturoot/').map(m => m.target), ['/ubunturoot', '/ubunturoot/proc']);
});

test('a snapshot gathers every fact, and survives a missing ip', async t => {
	const snapshot = await takeSnapshot(fakeProbes({
		hostMounts: async () => [mount('/proc'), mount('/ubunturoot/proc')],
		async hostLinks() {
			throw new Error('`ip` was not found');
		},
		resolve: async path => ({path, inside: path, fact: path.endsWith('tmp') ? {type: 'dir', mode: '1777', size: 1} : null}),
		packages: async () => null,
		aptLists: async () => 3,
	}), ['/ubunturoot/tmp', '/ubunturoot/etc/resolv.conf', '/ubunturoot/tmp']);
	t.deepEqual(snapshot, {
		container: null,
		containerMounts: [],
		hostMounts: [mount('/ubunturoot/proc')],
		hostLinks: [],
		containerLinks: [],
		files: {'/ubunturoot/tmp': {type: 'dir', mode: '1777', size: 1}, '/ubunturoot/etc/resolv.conf': null},
		packages: [],
		aptLists: 3,
		routes: {host: [], container: []},
		neighbors: {host: [], container: []},
		hostnames: {},
		containerDev: null,
		// Read on every snapshot: runc's state directory is one readdir when it has no container.
		runtime: {runc: [], bundles: [], shell: null},
		// Read on every snapshot too: the round's one walk of /proc, and the command line of socat processes only.
		faas: [],
	});
});

test('network facts: all the container\'s, the host\'s on its veth links only', async t => {
	const container = {pid: 24_915, root: '/ubunturoot', own: ['pid', 'mnt', 'net'] as Array<'pid' | 'mnt' | 'net'>, command: '/bin/sh', startTime: 1};
	const veth = {name: 'vethHost', index: 13, kind: 'veth', peerElsewhere: true, up: true, operstate: 'UP', addresses: ['10.200.0.1/30']};
	const eth0 = {name: 'eth0', index: 2, peerElsewhere: false, up: true, operstate: 'UP', addresses: ['192.0.2.2/24']};
	const unicast = (dst: string, dev: string, table = 'main') => ({dst, dev, type: 'unicast', table});
	const snapshot = await takeSnapshot(fakeProbes({
		container: async () => container,
		hostLinks: async () => [eth0, veth],
		routes: async where => (where === 'host'
			? [unicast('default', 'eth0'), unicast('10.200.0.0/30', 'vethHost'), unicast('10.200.0.1', 'vethHost', 'local')]
			: [unicast('10.200.0.0/30', 'vethCont'), unicast('10.200.0.2', 'vethCont', 'local')]),
		neighbors: async where => (where === 'host'
			? [{address: '192.0.2.1', dev: 'eth0', lladdr: '02:fc:00:00:00:fe', state: ['REACHABLE']}, {address: '10.200.0.2', dev: 'vethHost', lladdr: 'a6', state: ['STALE']}, {address: '10.200.0.3', dev: 'vethHost', state: ['FAILED']}]
			: [{address: '10.200.0.1', dev: 'vethCont', lladdr: '12', state: ['DELAY']}]),
		hostname: async where => (where === 'host' ? 'vm' : 'rootcamp'),
		entries: async path => (path === '/proc/24915/root/dev' ? [{name: 'null', fact: {type: 'other', mode: '0666', size: 0, special: 'char', rdev: '1:3'}}] : null),
		resolve: async path => ({path, inside: path, fact: null}),
	}), []);
	t.deepEqual(snapshot.routes, {host: [unicast('10.200.0.0/30', 'vethHost')], container: [unicast('10.200.0.0/30', 'vethCont')]});
	t.deepEqual(snapshot.neighbors, {host: [{address: '10.200.0.2', dev: 'vethHost', lladdr: 'a6', state: ['STALE']}], container: [{address: '10.200.0.1', dev: 'vethCont', lladdr: '12', state: ['DELAY']}]});
	t.deepEqual(snapshot.hostnames, {host: 'vm', container: 'rootcamp'});
	t.deepEqual(snapshot.containerDev?.map(entry => entry.name), ['null']);
});

test('a snapshot survives network facts it cannot read', async t => {
	const broken = async () => {
		throw new Error('`ip` was not found');
	};

	const snapshot = await takeSnapshot(fakeProbes({routes: broken, neighbors: broken, hostname: broken}), []);
	t.deepEqual([snapshot.routes, snapshot.neighbors, snapshot.hostnames], [{host: [], container: []}, {host: [], container: []}, {}]);
});

test('the registry fills every field a snapshot must have', async t => {
	const snapshot = await takeSnapshot(fakeProbes({}), []);
	const required = ['container', 'containerMounts', 'hostMounts', 'hostLinks', 'containerLinks', 'files', 'packages', 'aptLists'];
	t.deepEqual(required.filter(key => !(key in snapshot)), [], 'a fact module that stops reading its part leaves the snapshot short');
});
