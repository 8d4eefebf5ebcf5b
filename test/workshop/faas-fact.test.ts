import test from 'ava';
import type {FaasSnapshot} from '../../src/host/faas/handler.ts';
import type {Snapshot} from '../../src/workshop/api.ts';
import {faasFact} from '../../src/workshop/facts/faas.ts';

const traits = {unshares: ['mount'], joinsGroup: false, cleansUp: false, requestsLeft: 0};
const service = (patch: Partial<FaasSnapshot> = {}): FaasSnapshot => ({pid: 700, startTime: 5, socket: '/cache/rootcamp/faas/sock', handler: '/cache/rootcamp/faas/handler', traits, ...patch});
const snapshot = (faas: FaasSnapshot[] | undefined) => ({faas}) as Snapshot;
const changesOf = (before: FaasSnapshot[] | undefined, after: FaasSnapshot[] | undefined) => faasFact.changes(snapshot(before), snapshot(after), {rootfs: '/ubunturoot'}).map(change => `${change.sign} ${change.text}`);
const journalOf = (before: FaasSnapshot[], after: FaasSnapshot[]) =>
	faasFact.journal!(snapshot(before), snapshot(after), {rootfs: '/ubunturoot', variables: {tarball: undefined, source: undefined, workdir: '/cache/rootcamp'}});

test('the service starts, then ends', t => {
	t.deepEqual(changesOf([], [service()]), ['+ faas service listening on /cache/rootcamp/faas/sock: pid 700, running /cache/rootcamp/faas/handler for each request']);
	t.deepEqual(changesOf([service()], []), ['- faas service on /cache/rootcamp/faas/sock (pid 700) ended']);
	t.deepEqual(changesOf([service()], [service({pid: 701, startTime: 9})]), [
		'- faas service on /cache/rootcamp/faas/sock (pid 700) ended',
		'+ faas service listening on /cache/rootcamp/faas/sock: pid 701, running /cache/rootcamp/faas/handler for each request',
	]);
	t.deepEqual(changesOf([service()], [service()]), []);
	t.deepEqual(changesOf(undefined, [service()]), [], 'a snapshot without the fact has nothing to compare');
});

test('what the same service\'s handler now does for each request', t => {
	const isolated = {...traits, unshares: ['pid', 'mount', 'uts', 'ipc', 'net'], requestsLeft: 4};
	t.deepEqual(changesOf([service()], [service({traits: isolated})]), [
		'~ faas handler /cache/rootcamp/faas/handler: each request now gets its own pid, mount, uts, ipc and net namespaces (was mount)',
		'+ 4 request directories left beside it by requests (4 in all)',
	]);
	t.deepEqual(changesOf([service({traits: isolated})], [service({traits: {...isolated, cleansUp: true, requestsLeft: 0}})]), [
		'~ faas handler /cache/rootcamp/faas/handler: each request\'s directory is now removed once it has ended',
		'- 4 request directories of earlier requests removed (0 left)',
	]);
	t.deepEqual(changesOf([service({traits: {...isolated, cleansUp: true, requestsLeft: 0}})], [service({traits: {...isolated, cleansUp: true, joinsGroup: true, requestsLeft: 1}})]), [
		'~ faas handler /cache/rootcamp/faas/handler: each request now joins a control group of its own',
		'+ 1 request directory left beside it by requests (1 in all)',
	]);
});

test('the journal keeps the service, and the lesson\'s folder when the service lives in it', t => {
	t.deepEqual(journalOf([], [service()]), [
		{kind: 'service', name: 'faas', pid: 700, startTime: 5, socket: '/cache/rootcamp/faas/sock'},
		{kind: 'tree', path: '/cache/rootcamp/faas', what: 'the faas lesson\'s function, handler and per-request directories'},
	]);
	t.deepEqual(journalOf([service()], [service()]), [], 'a service already running was journaled when it started');
});

test('a listener elsewhere is journaled, but no folder of the learner\'s is ever taken for the lesson\'s', t => {
	t.deepEqual(journalOf([], [service({socket: '/run/faas.sock', handler: '/usr/local/bin/handler'})]), [
		{kind: 'service', name: 'faas', pid: 700, startTime: 5, socket: '/run/faas.sock'},
	]);
	const withoutWorkdir = faasFact.journal!(snapshot([]), snapshot([service()]), {rootfs: '/ubunturoot', variables: {tarball: undefined, source: undefined}});
	t.deepEqual(withoutWorkdir, [{kind: 'service', name: 'faas', pid: 700, startTime: 5, socket: '/cache/rootcamp/faas/sock'}], 'without {{workdir}} no folder is the lesson\'s');
});

test('a request\'s mount left on the host is named, and journaled deepest first for reset to unmount', t => {
	const root = '/cache/rootcamp/faas/req/41/root';
	const leaking = service({mounts: [root, `${root}/proc`]});
	t.deepEqual(changesOf([service()], [leaking]), [
		`+ ${root} left mounted on the host by a request (mounted outside its own mount namespace)`,
		`+ ${root}/proc left mounted on the host by a request (mounted outside its own mount namespace)`,
	]);
	t.deepEqual(journalOf([service()], [leaking]), [{kind: 'mount', target: `${root}/proc`}, {kind: 'mount', target: root}]);
});
