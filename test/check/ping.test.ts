import test from 'ava';
import {judge, probe, validate, type PingData} from '../../src/check/kinds/ping.ts';
import type {CommandOutcome} from '../../src/host/tools/command.ts';
import type {Neighbor} from '../../src/host/net/neighbors.ts';
import type {Where} from '../../src/lesson/types.ts';
import type {ContainerInfo} from '../../src/host/types.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {validates} from '../helpers/validate-macro.ts';

const withNet: ContainerInfo = {pid: 24_915, root: '/ubunturoot', own: ['pid', 'mnt', 'net'], command: '/bin/bash', startTime: 1};
const withoutNet: ContainerInfo = {...withNet, own: ['pid', 'mnt']};
const learned: Neighbor = {address: '10.200.0.2', dev: 'vethHost', lladdr: '96:cc:88:d2:cf:05', state: ['STALE']};
const answered: CommandOutcome = {exitCode: 0, stdout: '1 packets transmitted, 1 received, 0% packet loss', stderr: '', timedOut: false};
const silent: CommandOutcome = {exitCode: 1, stdout: 'From 10.200.0.1 icmp_seq=1 Destination Host Unreachable\n1 packets transmitted, 0 received, +1 errors, 100% packet loss', stderr: '', timedOut: false};

const judges = test.macro({
	exec(t, line: string, data: Omit<PingData, 'side' | 'address' | 'dev'>, expected: Expected) {
		const check = checkLine(line);
		const side = check.args[0] === 'container' ? 'container' : 'host';
		expectResult(t, judge(check, {side, address: check.args[1]!, dev: check.options.dev!, ...data}), expected);
	},
	title: (given, line: string) => `${given}: ${line}`,
});

const hostLine = 'ping host 10.200.0.2 dev=vethHost';
const containerLine = 'ping container 10.200.0.1 dev=vethCont';
test('pinged before, and answers now', judges, hostLine, {container: withNet, neighbor: learned, outcome: answered}, {
	status: 'pass', message: /^10\.200\.0\.2 answers the host on vethHost \(ARP learned 96:cc:88:d2:cf:05\)$/, actual: 'ARP learned 96:cc:88:d2:cf:05; answered now',
});
test('never pinged: no ARP entry', judges, hostLine, {container: withNet}, {
	status: 'fail', actual: 'no ARP entry for 10.200.0.2 on vethHost',
	message: /^nothing has gone from the host to 10\.200\.0\.2 over vethHost yet \(ip neigh show dev vethHost has no entry for it\): on the host run ping -c 1 -I vethHost 10\.200\.0\.2$/,
});
test('never pinged from the container: the host\'s ping in its network namespace', judges, containerLine, {container: withNet}, {
	status: 'fail', message: /on the host run nsenter --net=\/proc\/24915\/ns\/net ping -c 1 -I vethCont 10\.200\.0\.1 \(or ping from the container's shell, if its rootfs has ping\)$/,
});
test('ARP asked and nobody answered', judges, hostLine, {container: withNet, neighbor: {address: '10.200.0.2', dev: 'vethHost', state: ['FAILED']}}, {
	status: 'fail', actual: 'ARP FAILED, no MAC address', message: /^the host asked for 10\.200\.0\.2's MAC address on vethHost and got no answer \(ARP FAILED\): the other end must be UP and hold 10\.200\.0\.2/,
});
test('pinged before, silent now', judges, hostLine, {container: withNet, neighbor: learned, outcome: silent}, {
	status: 'fail', actual: 'ARP learned 96:cc:88:d2:cf:05; no answer now', message: /^10\.200\.0\.2 does not answer a ping from the host on vethHost now \(From 10\.200\.0\.1 icmp_seq=1 Destination Host Unreachable\): are both ends UP/,
});
test('the ping timed out', judges, hostLine, {container: withNet, neighbor: learned, outcome: {stdout: '', stderr: '', timedOut: true}}, {status: 'fail', message: /does not answer a ping/});
test('ping is not installed', judges, hostLine, {container: withNet, neighbor: learned, outcome: {stdout: '', stderr: '', timedOut: false, error: '`nsenter` was not found'}}, {status: 'fail', message: /^could not ping 10\.200\.0\.2: `nsenter` was not found$/});
test('no container: skip', judges, containerLine, {container: null}, {status: 'skip', message: /no container is running/});
test('a container without its own network namespace', judges, containerLine, {container: withoutNet}, {status: 'fail', message: /shares the host's network namespace, so the container has no link of its own to ping through/});

type Sent = Array<[Where, string, string]>;
const probesWith = (tables: {host: Neighbor[]; container: Neighbor[]}, container: ContainerInfo | null, sent: Sent) => fakeProbes({
	container: async () => container,
	neighbors: async where => [...tables[where]],
	async ping(where, address, dev) {
		sent.push([where, address, dev]);
		// A ping teaches both ends each other's MAC address.
		tables.host.push(learned);
		tables.container.push({address: '10.200.0.1', dev: 'vethCont', lladdr: 'f2:21:8b:0a:8e:56', state: ['REACHABLE']});
		return answered;
	},
});

test('probe: no ARP entry, so no ping is sent', async t => {
	const sent: Sent = [];
	const data = await probe(checkLine(hostLine), probesWith({host: [], container: []}, withNet, sent));
	t.deepEqual(sent, []);
	t.is(data.outcome, undefined);
});

test('probe: an ARP entry, then one ping through that link', async t => {
	const sent: Sent = [];
	const data = await probe(checkLine(hostLine), probesWith({host: [learned], container: []}, withNet, sent));
	t.deepEqual(sent, [['host', '10.200.0.2', 'vethHost']]);
	t.deepEqual(data.neighbor, learned);
	t.is(data.outcome, answered);
});

test('probe: one line\'s ping never counts for the other line of the same round', async t => {
	const sent: Sent = [];
	// The host once pinged the container; the container's table is empty.
	const probes = probesWith({host: [learned], container: []}, withNet, sent);
	const memo = new Map<Where, Promise<Neighbor[]>>();
	const read = probes.neighbors;
	// One read per side per round, as createProbes does.
	const once = {...probes, neighbors: async (where: Where) => memo.get(where) ?? (memo.set(where, read(where)), memo.get(where)!)};
	// In turn, the worst order: the host's line pings before the container's line reads anything.
	const host = await probe(checkLine(hostLine), once);
	const inside = await probe(checkLine(containerLine), once);
	t.truthy(host.outcome);
	t.is(inside.neighbor, undefined, 'the container\'s table was read before the host\'s ping');
	t.is(inside.outcome, undefined);
});

test('probe: a container sharing the host\'s network is not pinged from', async t => {
	const sent: Sent = [];
	await probe(checkLine(containerLine), probesWith({host: [learned], container: [learned]}, withoutNet, sent));
	t.deepEqual(sent, []);
});

const invalid = validates(validate);
test(invalid, 'ping host 10.200.0.2 dev=vethHost', undefined);
test(invalid, 'ping container {{host-address}} dev=vethCont', undefined);
test(invalid, 'ping host 10.200.0.2', /needs dev=NAME: the link the ping must leave through/);
test(invalid, 'ping 10.200.0.2 dev=vethHost', /needs `host` or `container` first/);
test(invalid, 'ping host dev=vethHost', /needs the address/);
test(invalid, 'ping host example.com dev=vethHost', /`example.com` is not an IPv4 address/);
test(invalid, 'ping host 10.200.0.2 10.200.0.1 dev=vethHost', /takes a side and one address/);
test(invalid, 'ping host 10.200.0.2 dev="veth Host"', /`dev=veth Host` is not an interface name/);
test(invalid, 'ping host 10.200.0.2 dev=vethHost count=3', /unknown option `count`/);
