import test from 'ava';
import {evaluateCheck, kinds, namedFacts, validateCheck} from '../../src/check/evaluate.ts';
import {checkKinds, type CheckSpec} from '../../src/lesson/types.ts';
import {checkLine} from '../helpers/check-line.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';

test('every check kind has its module', t => {
	t.deepEqual(Object.keys(kinds).sort(), [...checkKinds].sort());
});

test('an unknown kind', t => {
	const spec = {...checkLine('file /x'), kind: 'socket'} as unknown as CheckSpec;
	t.regex(validateCheck(spec) ?? '', /unknown check kind `socket` \(known: tarball, file, container/);
});

test('a valid line', t => {
	t.is(validateCheck(checkLine('container own=pid,mnt')), undefined);
});

test('an invalid line fails with the reason, without probing', async t => {
	const result = await evaluateCheck(checkLine('link vethCont'), fakeProbes());
	t.like(result, {status: 'fail', check: 'link vethCont'});
	t.regex(result.message, /this check line is invalid: `link` needs in=host or in=container/);
});

test('a probe that throws is a failed check, not a crash', async t => {
	const result = await evaluateCheck(checkLine('link vethHost in=host up'), fakeProbes({
		async hostLinks() {
			throw new Error('`ip` was not found: install iproute2');
		},
	}));
	t.like(result, {status: 'fail', message: 'could not check: `ip` was not found: install iproute2'});
});

test('checks needing a container skip without one; container itself fails', async t => {
	const probes = fakeProbes();
	const statuses = await Promise.all([
		'container own=pid,mnt',
		'mount container /proc type=proc',
		'link vethCont in=container',
		'link vethCont in=container absent',
		'command container "ip a"',
	].map(async line => (await evaluateCheck(checkLine(line), probes)).status));
	t.deepEqual(statuses, ['fail', 'skip', 'skip', 'skip', 'skip']);
});

test('each check kind names the host facts it looks at, so the workshop watches them', t => {
	t.deepEqual(namedFacts(checkLine('cgroup rootcamp pids.max=20')), {cgroups: ['rootcamp']});
	t.deepEqual(namedFacts(checkLine('cgroup {{group}} pids.max=20')), {cgroups: []}, 'not yet known: names nothing');
	t.deepEqual(namedFacts(checkLine('link vethCont in=container up')), {links: ['vethCont']});
	t.deepEqual(namedFacts(checkLine('file {{rootfs}}/etc type=dir')), {paths: ['{{rootfs}}/etc']});
	t.deepEqual(namedFacts(checkLine('mount jail /proc fstype=proc')), {shells: ['jail']});
	t.deepEqual(namedFacts(checkLine('jail own=mnt,pid')), {shells: ['jail']});
	t.deepEqual(namedFacts(checkLine('userns root-outside=1000')), {shells: ['rootless']});
	t.deepEqual(namedFacts(checkLine('hostname container=box')), {}, 'a kind that names no watched fact');
});
