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
		hostLinks: async () => {
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
	});
});
