import {readFileSync} from 'node:fs';
import test from 'ava';
import {parseIpJson} from '../../../src/host/net/links.ts';
import {readNetwork} from '../../../src/host/net/net-facts.ts';
import type {Link} from '../../../src/host/types.ts';

const ipJson = (name: string) => readFileSync(new URL(`../../fixtures/ip/${name}.json`, import.meta.url), 'utf8');

const parses = test.macro({
	exec(t, fixture: string, name: string, expected: Partial<Link>) {
		const link = parseIpJson(ipJson(fixture)).find(candidate => candidate.name === name);
		t.like(link, expected);
	},
	title: (given, fixture: string, name: string) => given ?? `${fixture}: ${name}`,
});

test(parses, 'host-veth', 'lo', {index: 1, kind: undefined, up: true, peerElsewhere: false, addresses: ['127.0.0.1/8', '::1/128']});
test(parses, 'host-veth', 'eth0', {kind: undefined, up: true, operstate: 'UP', addresses: ['192.0.2.2/24', 'fe80::fc:ff:fe00:1/64']});
test('a fresh pair: peers named in the same namespace', parses, 'host-veth', 'vethCont', {index: 12, kind: 'veth', peer: 'vethHost', peerIndex: 13, peerElsewhere: false, up: true});
test('a fresh pair, the other end down', parses, 'host-veth', 'vethHost', {peer: 'vethCont', peerIndex: 12, up: false, operstate: 'DOWN'});
test('after the move: the host end\'s peer is elsewhere', parses, 'host-moved', 'vethHost', {peer: undefined, peerIndex: 12, peerElsewhere: true, up: true, operstate: 'DOWN'});
test('after the move: the container end is down', parses, 'container-moved', 'vethCont', {kind: 'veth', peerIndex: 13, peerElsewhere: true, up: false});
test('the container\'s own lo is down', parses, 'container-moved', 'lo', {up: false, addresses: []});

test('empty output is no links', t => {
	t.deepEqual(parseIpJson(''), []);
	t.deepEqual(parseIpJson('[]'), []);
});

test('malformed output throws', t => {
	t.throws(() => parseIpJson('{oops'));
});

test.serial('a missing ip says what to install', async t => {
	const path = process.env.PATH;
	process.env.PATH = '/nonexistent';
	try {
		const error = await t.throwsAsync(readNetwork(async () => undefined));
		t.regex(error?.message ?? '', /`ip` was not found: install iproute2/);
	} finally {
		process.env.PATH = path;
	}
});

test.serial('reads the real host\'s links', async t => {
	const {links} = (await readNetwork(async () => undefined)).host;
	t.true(links.some(link => link.name === 'lo'));
});

test.serial('when the container\'s half fails, the host\'s half still answers', async t => {
	const round = await readNetwork(async () => 424_242, {proc: '/nonexistent-rootcamp-proc'});
	t.true(round.host.links.some(link => link.name === 'lo'));
	t.true(round.container instanceof Error);
	t.regex((round.container as Error).message, /nsenter --net=\/nonexistent-rootcamp-proc\/424242\/ns\/net .*failed: .*nonexistent-rootcamp-proc/);
});
