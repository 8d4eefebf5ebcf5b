import {join} from 'node:path';
import test from 'ava';
import {fileFact} from '../../../src/host/rootfs/files.ts';
import {resolveInRoot} from '../../../src/host/rootfs/resolve-in-root.ts';
import type {FileFact} from '../../../src/workshop/api.ts';
import {makeTree} from '../../helpers/tree.ts';

const layout = {
	'etc/stub.conf': {symlink: '/run/systemd/resolve/stub-resolv.conf'},
	'etc/hostname': {symlink: '/etc/hostname-real'},
	'etc/hostname-real': {file: 'box\n'},
	'etc/escape': {symlink: '../../../../etc/passwd'},
	'etc/passwd': {file: 'root:x:0:0::/root:/bin/sh\n'},
	'etc/host-only': {symlink: '/etc/os-release'},
	'etc/loop-a': {symlink: 'loop-b'},
	'etc/loop-b': {symlink: 'loop-a'},
	'etc/to-root': {symlink: '/'},
	'var/run': {symlink: '/run'},
	'run/lock/x': {file: 'x'},
	'etc/file': {file: 'x'},
} as const;

const resolves = test.macro({
	async exec(t, inside: string, follow: boolean, expected: {inside: string; type?: FileFact['type'] | null; loop?: boolean}) {
		const root = await makeTree(t, layout);
		const result = await resolveInRoot(root, inside, {follow, lstat: fileFact});
		t.is(result.inside, expected.inside);
		t.is(result.path, join(root, expected.inside).replace(/(.)\/$/, '$1'));
		t.is(result.fact === null ? null : result.fact.type, expected.type ?? null);
		t.is(result.loop ?? false, expected.loop ?? false);
	},
	title: (given, inside: string, follow: boolean) => `${given ?? ''} ${inside} (${follow ? 'follow' : 'lstat'})`.trim(),
});

test('an absolute target missing in the rootfs is dangling', resolves, '/etc/stub.conf', true, {inside: '/run/systemd/resolve/stub-resolv.conf', type: null});
test('unfollowed, the link itself', resolves, '/etc/stub.conf', false, {inside: '/etc/stub.conf', type: 'symlink'});
test('an absolute target resolves under the rootfs', resolves, '/etc/hostname', true, {inside: '/etc/hostname-real', type: 'file'});
test('.. cannot climb above the rootfs', resolves, '/etc/escape', true, {inside: '/etc/passwd', type: 'file'});
test('a target that exists only on the host stays dangling', resolves, '/etc/host-only', true, {inside: '/etc/os-release', type: null});
test('a loop', resolves, '/etc/loop-a', true, {inside: '/etc/loop-a', loop: true});
test('a symlink to / is the rootfs', resolves, '/etc/to-root', true, {inside: '/', type: 'dir'});
test('a symlinked parent directory', resolves, '/var/run/lock/x', false, {inside: '/run/lock/x', type: 'file'});
test('through a file is missing', resolves, '/etc/file/x', false, {inside: '/etc/file/x'});
test('the root itself', resolves, '/', false, {inside: '/', type: 'dir'});
test('dot-dot inside a path', resolves, '/etc/../run/lock/x', false, {inside: '/run/lock/x', type: 'file'});
