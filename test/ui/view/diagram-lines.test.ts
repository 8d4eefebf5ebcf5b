import test from 'ava';
import type {SetupState} from '../../../src/workshop/api.ts';
import {sandboxNote} from '../../../src/sandbox/note.ts';
import {diagramLines} from '../../../src/ui/view/diagram-lines.ts';
import {lineText} from '../../../src/ui/view/lines.ts';

const veth = (name: string, index: number, peerIndex: number, up: boolean, extra: {peer?: string; elsewhere?: boolean} = {}) => ({
	name, index, kind: 'veth', peerIndex, peer: extra.peer, peerElsewhere: extra.elsewhere ?? true, up, operstate: up ? 'UP' : 'DOWN', addresses: [],
});

const moved: SetupState = {
	rootfs: '/ubunturoot',
	container: {pid: 24_915, root: '/ubunturoot', own: ['pid', 'mnt', 'net'], command: '/bin/bash', startTime: 1},
	hostLinks: [veth('vethHost', 7, 2, true)],
	containerLinks: [veth('vethCont', 2, 7, false)],
	containerOnlyMounts: [{id: 40, parent: 1, target: '/proc', fstype: 'proc', source: 'proc', options: 'rw'}],
};

const text = (setup: SetupState | undefined, width: number, sandbox?: string) => diagramLines(setup, width, sandbox).map(row => lineText(row));

test('side by side on a wide column: own namespaces, each veth end on its side, container-only mounts', t => {
	const rows = text(moved, 90);
	const all = rows.join('\n');
	t.true(rows.every(row => row.length === rows[0]!.length), 'both boxes are drawn as one block');
	t.true(rows[0]!.includes('HOST') && rows[0]!.includes('CONTAINER pid 24915'));
	t.regex(all, /own ns\s+pid mnt net/);
	t.regex(all, /shares\s+uts/);
	t.true(all.includes('vethHost UP ⇄ vethCont (container)'));
	t.true(all.includes('vethCont DOWN ⇄ vethHost (host)'));
	t.true(all.includes('/proc proc'));
});

test('stacked when narrow, never wider than asked', t => {
	const rows = text(moved, 44);
	t.true(rows.every(row => row.length <= 44));
	t.true(rows.findIndex(row => row.includes('HOST')) < rows.findIndex(row => row.includes('CONTAINER')));
});

test('the write-up\'s trap: both ends still on the host', t => {
	const all = text({...moved, hostLinks: [veth('vethHost', 7, 8, true, {peer: 'vethCont', elsewhere: false}), veth('vethCont', 8, 7, false, {peer: 'vethHost', elsewhere: false})], containerLinks: []}, 90).join('\n');
	t.true(all.includes('vethCont DOWN ⇄ vethHost (host)'));
	t.true(all.includes('vethHost UP ⇄ vethCont (host)'));
});

test('no container yet', t => {
	const all = text({rootfs: '/ubunturoot', container: null, hostLinks: [], containerLinks: [], containerOnlyMounts: []}, 90).join('\n');
	t.true(all.includes('not running'));
	t.true(all.includes('no veth on the host'));
});

test('inside a sandbox the host box is the sandbox\'s, says the host is untouched, and the container\'s peer is on the sandbox', t => {
	const note = sandboxNote({ROOTCAMP_SANDBOX: 'lab'});
	for (const width of [90, 44]) {
		const rows = text(moved, width, note);
		const all = rows.join('\n');
		t.true(rows.every(row => row.length <= width), `${width}: never wider than asked`);
		t.regex(rows[0]!, /┌─ SANDBOX lab ─/, `${width}: the left box is titled with the sandbox`);
		t.false(all.includes('HOST'), `${width}: no box is called the host`);
		t.regex(all, /│ its own network; the host's is untouched\s/, `${width}: it says the host's network is untouched`);
		t.true(all.includes('vethCont DOWN ⇄ vethHost (sandbox)'), `${width}: the container's peer is in the sandbox`);
	}

	t.true(text({rootfs: '/ubunturoot', container: null, hostLinks: [], containerLinks: [], containerOnlyMounts: []}, 90, note).join('\n').includes('no veth on the sandbox'));
	t.false(text(moved, 90).join('\n').includes('sandbox'), 'outside one, no word of a sandbox');
});

test('before the engine has answered', t => {
	t.deepEqual(text(undefined, 80), ['Reading the host…']);
});
