import {readFileSync} from 'node:fs';
import test from 'ava';
import {judge, probe, validate, type LinkData} from '../../src/check/kinds/link.ts';
import {parseIpJson} from '../../src/host/net/links.ts';
import type {ContainerInfo, Link} from '../../src/host/types.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {validates} from '../helpers/validate-macro.ts';

const ip = (name: string) => parseIpJson(readFileSync(new URL(`../fixtures/ip/${name}.json`, import.meta.url), 'utf8'));
/** Before the move: both ends on the host. */
const hostVeth = ip('host-veth');
/** After `ip link set vethCont netns 24915`. */
const hostMoved = ip('host-moved');
const containerMoved = ip('container-moved');
const containerFresh = containerMoved.filter(link => link.name === 'lo');

const withNet: ContainerInfo = {pid: 24_915, root: '/ubunturoot', own: ['pid', 'mnt', 'net'], command: '/bin/bash', startTime: 1};
const withoutNet: ContainerInfo = {...withNet, own: ['pid', 'mnt']};

type Sides = {container: ContainerInfo | null; host: Link[]; inside: Link[]};

const judges = test.macro({
	exec(t, line: string, {container, host, inside}: Sides, expected: Expected) {
		const check = checkLine(line);
		const side = check.options.in === 'container' ? 'container' : 'host';
		const data: LinkData = side === 'host'
			? {side, container, links: host, ...(container?.own.includes('net') ? {otherLinks: inside} : {})}
			: {side, container, links: container === null ? [] : (container.own.includes('net') ? inside : host), otherLinks: host};
		const result = judge(check, data);
		expectResult(t, result, expected);
	},
	title: (given, line: string) => `${given}: ${line}`,
});

const moved: Sides = {container: withNet, host: hostMoved, inside: containerMoved};
const notMoved: Sides = {container: withNet, host: hostVeth, inside: containerFresh};

test('moved into the container', judges, 'link vethCont in=container kind=veth peer=vethHost', moved, {status: 'pass'});
test('moved, but DOWN after the move', judges, 'link vethCont in=container up', moved, {
	status: 'fail',
	actual: 'veth, peer in another namespace, DOWN',
	message: /^vethCont is DOWN \(moving a link into another namespace sets it down\): set it up with ip link set vethCont up \(from the host: nsenter --net=\/proc\/24915\/ns\/net ip link set vethCont up\)$/,
});
test('moved to the wrong PID (netns 1)', judges, 'link vethCont in=container kind=veth', notMoved, {
	status: 'fail',
	actual: 'no vethCont in the container\'s network namespace',
	message: /^vethCont is still on the host, not in the container: it was probably moved to the wrong PID .*`echo \$\$` says 1.*netns 1.*The container's shell is pid 24915 on the host: run ip link set vethCont netns 24915$/,
});
test('a container without its own network namespace', judges, 'link vethCont in=container', {container: withoutNet, host: hostVeth, inside: []}, {
	status: 'fail',
	actual: 'pid 24915 has no network namespace of its own',
	message: /^this shell shares the host's network namespace, .*start it with unshare --net --fork --pid --mount-proc chroot \/ubunturoot \/bin\/bash$/,
});
test('no container: skip', judges, 'link vethCont in=container', {container: null, host: hostVeth, inside: []}, {status: 'skip', message: /^no container is running: start it with the enter\/chroot step$/});
test('no container: skip absent too', judges, 'link vethCont in=container absent', {container: null, host: hostVeth, inside: []}, {status: 'skip'});
test('the host end after the move: peer verified by index', judges, 'link vethHost in=host kind=veth peer=vethCont up', moved, {status: 'pass'});
test('the host end before the move: peer by name', judges, 'link vethHost in=host kind=veth peer=vethCont', notMoved, {status: 'pass'});
test('the host end still DOWN', judges, 'link vethHost in=host up', notMoved, {status: 'fail', message: /^vethHost is DOWN: set it up with ip link set vethHost up$/});
test('DOWN wanted', judges, 'link vethHost in=host down', notMoved, {status: 'pass'});
test('DOWN wanted but UP', judges, 'link vethCont in=host down', notMoved, {status: 'fail', message: /is UP/});
test('the peer is in some other namespace', judges, 'link vethHost in=host peer=vethCont', {container: withNet, host: hostMoved, inside: containerFresh}, {status: 'fail', message: /peer is in another network namespace, but not the container's as vethCont/});
test('the wrong peer', judges, 'link vethCont in=host peer=vethX', notMoved, {status: 'fail', message: /vethCont's peer is vethHost, not vethX/});
test('left the host', judges, 'link vethCont in=host absent', moved, {status: 'pass'});
test('still on the host', judges, 'link vethCont in=host absent', notMoved, {status: 'fail', message: /^vethCont is still on the host: move it with ip link set vethCont netns 24915/});
test('still on the host, container shares the netns', judges, 'link vethCont in=host absent', {container: withoutNet, host: hostVeth, inside: []}, {status: 'fail', message: /^vethCont is still on the host: the container shares the host's network namespace, so there is nowhere to move it — exit the container's shell and start it again with unshare --net$/});
test('looked for on the host, found in the container', judges, 'link vethCont in=host', moved, {status: 'fail', message: /it is in the container's network namespace \(pid 24915\)/});
test('not created yet', judges, 'link vethCont in=host kind=veth peer=vethHost', {container: null, host: hostVeth.filter(link => !link.name.startsWith('veth')), inside: []}, {
	status: 'fail',
	message: /^there is no interface vethCont on the host: create it with ip link add vethCont type veth peer name vethHost$/,
});
test('not a veth', judges, 'link eth0 in=host kind=veth', notMoved, {status: 'fail', message: /eth0 is a plain device, not a veth/});
test('if-present: not there is fine', judges, 'link vethX in=host if-present up', notMoved, {status: 'pass'});
test('if-present: there and checked', judges, 'link vethHost in=host if-present up', notMoved, {status: 'fail'});

test('probe: in=container reads both sides', async t => {
	const data = await probe(checkLine('link vethCont in=container'), fakeProbes({
		container: async () => withNet,
		hostLinks: async () => hostMoved,
		containerLinks: async () => containerMoved,
	}));
	t.deepEqual(data, {side: 'container', container: withNet, links: containerMoved, otherLinks: hostMoved});
});

test('probe: in=container without a container reads nothing', async t => {
	const fail = async (): Promise<Link[]> => {
		throw new Error('should not be read');
	};

	t.deepEqual(await probe(checkLine('link vethCont in=container'), fakeProbes({hostLinks: fail, containerLinks: fail})), {side: 'container', container: null, links: []});
});

test('probe: in=host skips the container side when it shares the netns', async t => {
	const data = await probe(checkLine('link vethCont in=host'), fakeProbes({
		container: async () => withoutNet,
		hostLinks: async () => hostVeth,
		async containerLinks() {
			throw new Error('should not be read');
		},
	}));
	t.deepEqual(data, {side: 'host', container: withoutNet, links: hostVeth});
});

const invalid = validates(validate);
test(invalid, 'link vethCont in=container kind=veth peer=vethHost up', undefined);
test(invalid, 'link vethCont in=host absent', undefined);
test(invalid, 'link vethCont in=host if-present down', undefined);
test(invalid, 'link', /needs an interface name/);
test(invalid, 'link vethCont', /needs in=host or in=container/);
test(invalid, 'link vethCont in=guest', /`in=guest` must be host or container/);
test(invalid, 'link vethCont in=host up down', /`up` and `down` cannot be combined/);
test(invalid, 'link vethCont in=host absent if-present', /`absent` and `if-present` cannot be combined/);
test(invalid, 'link vethCont in=host absent kind=veth', /`absent` and `kind` cannot be combined/);
test(invalid, 'link averyveryverylongname in=host', /longer than 15 characters/);
test(invalid, 'link vethCont in=host speed=10', /unknown option `speed`/);
test(invalid, 'link a b in=host', /takes one interface name/);

const withAddress = (links: Link[], name: string, ...addresses: string[]): Link[] =>
	links.map(link => (link.name === name ? {...link, up: true, addresses: [...addresses, ...link.addresses]} : link));
const addressed: Sides = {container: withNet, host: withAddress(hostMoved, 'vethHost', '10.200.0.1/30'), inside: withAddress(containerMoved, 'vethCont', '10.200.0.2/30')};

test('the host\'s end has its address', judges, 'link vethHost in=host up address=10.200.0.1/30', addressed, {status: 'pass'});
test('the container\'s end has its address', judges, 'link vethCont in=container up address=10.200.0.2/30', addressed, {status: 'pass'});
test('no address yet', judges, 'link vethHost in=host up address=10.200.0.1/30', moved, {status: 'fail', message: /^vethHost has no address 10\.200\.0\.1\/30: on the host run ip addr add 10\.200\.0\.1\/30 dev vethHost$/});
test('no address inside yet', judges, 'link vethCont in=container address=10.200.0.2/30', moved, {status: 'fail', message: /^vethCont has no address 10\.200\.0\.2\/30: inside the container run ip addr add 10\.200\.0\.2\/30 dev vethCont$/});
test('the right address, the wrong prefix', judges, 'link vethHost in=host address=10.200.0.1/30', {...moved, host: withAddress(hostMoved, 'vethHost', '10.200.0.1/24')}, {
	status: 'fail', message: /^vethHost has 10\.200\.0\.1\/24, not 10\.200\.0\.1\/30: the prefix length decides .*; on the host run ip addr del 10\.200\.0\.1\/24 dev vethHost; ip addr add 10\.200\.0\.1\/30 dev vethHost$/,
});
test('another address: named, link-local left out', judges, 'link vethHost in=host address=10.200.0.1/30', {...moved, host: withAddress(hostMoved, 'vethHost', '10.9.0.1/30', 'fe80::1/64')}, {status: 'fail', message: /^vethHost has no address 10\.200\.0\.1\/30 \(it has 10\.9\.0\.1\/30\): /});
test('the container\'s lo, down as a new namespace starts', judges, 'link lo in=container up address=127.0.0.1/8', moved, {
	status: 'fail', message: /^lo is DOWN \(a new network namespace starts with lo down\): set it up with ip link set lo up \(from the host: nsenter --net=\/proc\/24915\/ns\/net ip link set lo up\)$/,
});
test('the container\'s lo, up with 127.0.0.1', judges, 'link lo in=container up address=127.0.0.1/8', {...moved, inside: withAddress(containerMoved, 'lo', '127.0.0.1/8', '::1/128')}, {status: 'pass', actual: 'device, UP, 127.0.0.1/8, ::1/128'});
test(invalid, 'link vethHost in=host address=10.200.0.1/30', undefined);
test(invalid, 'link vethHost in=host address={{host-address}}/{{prefix}}', undefined);
test(invalid, 'link lo in=container address=::1/128', undefined);
test(invalid, 'link vethHost in=host address=10.200.0.1', /`address=10.200.0.1` must be an address with its prefix length/);
test(invalid, 'link vethHost in=host address=10.200.0.1/33', /must be an address with its prefix length/);
test(invalid, 'link vethHost in=host address=host/30', /must be an address with its prefix length/);
test(invalid, 'link vethHost in=host absent address=10.200.0.1/30', /`absent` and `address` cannot be combined/);
