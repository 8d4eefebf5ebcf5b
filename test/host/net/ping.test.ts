import test from 'ava';
import {pingArgv, sendPing} from '../../../src/host/net/ping.ts';

test('the host pings through one link only', t => {
	t.deepEqual(pingArgv('host', '10.200.0.2', 'vethHost'), ['ping', '-n', '-c', '1', '-W', '1', '-I', 'vethHost', '10.200.0.2']);
});

test('the container pings with the host\'s ping, in its network namespace only', t => {
	t.deepEqual(pingArgv('container', '10.200.0.1', 'vethCont', {pid: 24_915}), ['nsenter', '--net=/proc/24915/ns/net', 'ping', '-n', '-c', '1', '-W', '1', '-I', 'vethCont', '10.200.0.1']);
	t.deepEqual(pingArgv('container', '10.200.0.1', 'vethCont', {pid: 7, proc: '/fixture/proc'}).slice(0, 3), ['nsenter', '--net=/fixture/proc/7/ns/net', 'ping']);
});

const refuses = test.macro({
	exec(t, address: string, dev: string, pattern: RegExp) {
		t.throws(() => pingArgv('container', address, dev, {pid: 1}), {message: pattern});
	},
	title: (_, address: string, dev: string) => `refuses ${address} on ${dev}`,
});

test(refuses, 'example.com', 'vethHost', /not an IPv4 address/);
test(refuses, '10.200.0.2; reboot', 'vethHost', /not an IPv4 address/);
test(refuses, '10.200.0.2', 'veth Host', /not an interface name/);
test(refuses, '10.200.0.2', '$(reboot)', /not an interface name/);

test('no container, no ping from it', t => {
	t.throws(() => pingArgv('container', '10.200.0.1', 'vethCont'), {message: /no container/});
});

test('a refused ping is an outcome, not a throw', async t => {
	t.like(await sendPing('host', 'nowhere', 'vethHost'), {error: 'not an IPv4 address: nowhere', timedOut: false});
});
