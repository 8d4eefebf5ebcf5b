import test from 'ava';
import {formatMap, judge, probe, validate, type UsernsData} from '../../src/check/kinds/userns.ts';
import type {RootlessInfo} from '../../src/host/proc/rootless.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {validates} from '../helpers/validate-macro.ts';

const shell = (patch: Partial<RootlessInfo> = {}): RootlessInfo => ({pid: 5000, startTime: 1, command: '/bin/sh', userNamespace: 'user:[9]', uid: 65_534, euid: 65_534, uidMap: [], ...patch});
const nobody = {name: 'nobody', id: 65_534};
const root = {name: 'root', id: 0};

const judges = test.macro({
	exec(t, line: string, data: UsernsData, expected: Expected) {
		expectResult(t, judge(checkLine(line), data), expected);
	},
	title: (given, line: string) => `${given}: ${line}`,
});

test('no rootless shell', judges, 'userns outside=nobody', {rootless: null, outside: nobody}, {status: 'fail', message: /no shell runs in a user namespace of its own: in a second terminal, as root: setpriv --reuid=nobody/});
test('nobody outside, no map yet', judges, 'userns outside=nobody', {rootless: shell(), outside: nobody}, {status: 'pass', actual: 'pid 5000: uid 65534 on the host, uid_map none'});
test('started as root: setpriv forgotten', judges, 'userns outside=nobody', {rootless: shell({uid: 0, euid: 0}), outside: nobody}, {status: 'fail', message: /not nobody \(65534\) outside: it is root on the host/});
test('another user outside', judges, 'userns outside=nobody', {rootless: shell({uid: 1000}), outside: nobody}, {status: 'fail', message: /it runs as uid 1000 on the host/});
test('no map yet: nobody inside, no capabilities', judges, 'userns outside=nobody inside=root', {rootless: shell(), outside: nobody, inside: root}, {status: 'fail', message: /no uid map yet.*echo '0 65534 1' > \/proc\/5000\/uid_map/});
test('root inside, nobody outside', judges, 'userns outside=nobody inside=root', {rootless: shell({uidMap: [{inside: 0, outside: 65_534, count: 1}]}), outside: nobody, inside: root}, {status: 'pass', message: /^pid 5000 is root \(0\) inside its user namespace, nobody \(65534\) on the host$/});
test('mapped to someone else', judges, 'userns outside=nobody inside=root', {rootless: shell({uidMap: [{inside: 1000, outside: 65_534, count: 1}]}), outside: nobody, inside: root}, {status: 'fail', message: /makes uid 65534 uid 1000 inside, not root \(0\); a map can be written once/});
test('a user the host lacks', judges, 'userns outside=nobody', {rootless: shell(), outside: {name: 'nobody', id: undefined}}, {status: 'fail', message: /the host has no user nobody/});

test('probe resolves the users on the host', async t => {
	const data = await probe(checkLine('userns outside=nobody inside=root'), fakeProbes({rootless: async () => shell()}));
	t.deepEqual(data, {rootless: shell(), outside: nobody, inside: root});
});

test('a map on one line', t => {
	t.is(formatMap([]), 'none');
	t.is(formatMap([{inside: 0, outside: 65_534, count: 1}, {inside: 1, outside: 100_000, count: 65_536}]), '0 65534 1; 1 100000 65536');
});

const invalid = validates(validate);
test(invalid, 'userns outside=nobody', undefined);
test(invalid, 'userns outside=65534 inside=root', undefined);
test(invalid, 'userns', /needs `outside=USER`/);
test(invalid, 'userns rootless outside=nobody', /takes no arguments/);
test(invalid, 'userns outside="no body"', /is not a user name or ID/);
test(invalid, 'userns outside=nobody inside=r:oot', /is not a user name or ID/);
test(invalid, 'userns outside=nobody map=0', /unknown option `map`/);
