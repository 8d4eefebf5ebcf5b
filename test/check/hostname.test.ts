import test from 'ava';
import {judge, probe, validate, type HostnameData} from '../../src/check/kinds/hostname.ts';
import type {ContainerInfo} from '../../src/host/types.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {validates} from '../helpers/validate-macro.ts';

const withUts: ContainerInfo = {pid: 24_915, root: '/ubunturoot', own: ['pid', 'mnt', 'net', 'uts'], command: '/bin/bash', startTime: 1};
const withoutUts: ContainerInfo = {...withUts, own: ['pid', 'mnt', 'net']};

const judges = test.macro({
	exec(t, line: string, data: Omit<HostnameData, 'side'>, expected: Expected) {
		const check = checkLine(line);
		expectResult(t, judge(check, {side: check.args[0] === 'container' ? 'container' : 'host', ...data}), expected);
	},
	title: (given, line: string) => `${given}: ${line}`,
});

const named = 'hostname container is=rootcamp';
test('named, in its own UTS namespace', judges, named, {container: withUts, hostname: 'rootcamp', hostHostname: 'vm'}, {status: 'pass', message: /^the container is called rootcamp, the host vm$/, actual: 'called rootcamp (the host: vm)'});
test('its own UTS namespace, not named yet', judges, named, {container: withUts, hostname: 'vm', hostHostname: 'vm'}, {status: 'fail', message: /^the container is called vm, not rootcamp: inside the container run hostname rootcamp$/});
test('no UTS namespace: naming it would rename the host', judges, named, {container: withoutUts, hostname: 'vm', hostHostname: 'vm'}, {
	status: 'fail', message: /^the container shares the host's UTS namespace, so its hostname is the host's \(vm\) and hostname rootcamp in it would rename the host: first give its shell a UTS namespace of its own \(exec unshare --uts \/bin\/bash in that shell\)$/,
});
test('the host kept its name', judges, 'hostname host not=rootcamp', {container: null, hostname: 'vm'}, {status: 'pass', message: /^the host is called vm$/});
test('the host was renamed by mistake', judges, 'hostname host not=rootcamp', {container: null, hostname: 'rootcamp'}, {status: 'fail', message: /^the host itself is called rootcamp: hostname ran in a shell that shares the host's UTS namespace, so it renamed the host\. Name it back \(hostname -F \/etc\/hostname/});
test('the host, by name', judges, 'hostname host is=vm', {container: null, hostname: 'box'}, {status: 'fail', message: /^the host is called box, not vm$/});
test('the container still has the old name', judges, 'hostname container not=vm', {container: withUts, hostname: 'vm', hostHostname: 'vm'}, {status: 'fail', message: /^the container is still called vm: inside the container run hostname NAME$/});
test('no container: skip', judges, named, {container: null}, {status: 'skip', message: /no container is running/});

test('probe: the container\'s name and the host\'s', async t => {
	const data = await probe(checkLine(named), fakeProbes({container: async () => withUts, hostname: async where => (where === 'host' ? 'vm' : 'rootcamp')}));
	t.deepEqual(data, {side: 'container', container: withUts, hostname: 'rootcamp', hostHostname: 'vm'});
});

test('probe: the host\'s name only', async t => {
	const data = await probe(checkLine('hostname host not=rootcamp'), fakeProbes({hostname: async where => (where === 'host' ? 'vm' : undefined)}));
	t.deepEqual(data, {side: 'host', container: null, hostname: 'vm'});
});

test('probe: no container, nothing read', async t => {
	const data = await probe(checkLine(named), fakeProbes({async hostname() {
		throw new Error('should not be read');
	}}));
	t.deepEqual(data, {side: 'container', container: null});
});

const invalid = validates(validate);
test(invalid, 'hostname container is=rootcamp', undefined);
test(invalid, 'hostname host not=rootcamp', undefined);
test(invalid, 'hostname container is=rootcamp not=vm', undefined);
test(invalid, 'hostname container', /needs is=NAME or not=NAME/);
test(invalid, 'hostname guest is=x', /needs `host` or `container`, got `guest`/);
test(invalid, 'hostname host container is=x', /takes one side/);
test(invalid, 'hostname host is="two words"', /`two words` is not a hostname/);
test(invalid, 'hostname host like=x', /unknown option `like`/);
