import test from 'ava';
import {evaluateCheck} from '../../src/check/evaluate.ts';
import {judge, probe, validate, type CommandData} from '../../src/check/kinds/command.ts';
import type {CommandOutcome} from '../../src/host/tools/command.ts';
import {createProbes} from '../../src/host/probes.ts';
import type {ContainerInfo} from '../../src/host/types.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {validates} from '../helpers/validate-macro.ts';

const shell: ContainerInfo = {pid: 24_915, root: '/ubunturoot', own: ['pid', 'mnt'], command: '/bin/bash', startTime: 1};
const ran = (exitCode: number, stdout = '', stderr = ''): CommandOutcome => ({exitCode, stdout, stderr, timedOut: false});

const judges = test.macro({
	exec(t, line: string, data: CommandData, expected: Expected) {
		const result = judge(checkLine(line), data);
		expectResult(t, result, expected);
	},
	title: (given, line: string) => `${given}: ${line}`,
});

test('exit 0 by default', judges, 'command host "true"', {where: 'host', container: null, outcome: ran(0)}, {status: 'pass'});
test('a non-zero exit', judges, 'command host "false"', {where: 'host', container: null, outcome: ran(1, '', 'boom\n')}, {status: 'fail', actual: 'exit 1: boom', message: /`false` exited with 1, expected 0: boom/});
test('an expected non-zero exit', judges, 'command host "false" exit=1', {where: 'host', container: null, outcome: ran(1)}, {status: 'pass'});
test('output matches per line', judges, String.raw`command container "ip a" output="^\d+: vethCont"`, {where: 'container', container: shell, outcome: ran(0, '1: lo: <LOOPBACK>\n12: vethCont@if13: <BROADCAST>\n')}, {status: 'pass'});
test('output does not match', judges, 'command container "ip a" output=vethCont', {where: 'container', container: shell, outcome: ran(0, '1: lo: <LOOPBACK>\n')}, {status: 'fail', message: /output of `ip a` does not match \/vethCont\/: 1: lo/});
test('timed out', judges, 'command host "sleep 60"', {where: 'host', container: null, outcome: {stdout: '', stderr: '', timedOut: true}}, {status: 'fail', message: /did not finish within 10 s/});
test('could not start', judges, 'command container "ip a"', {where: 'container', container: shell, outcome: {stdout: '', stderr: '', timedOut: false, error: '`nsenter` was not found'}}, {status: 'fail', message: /could not run: `nsenter` was not found/});
test('no container: skip', judges, 'command container "ip a"', {where: 'container', container: null}, {status: 'skip', message: /^no container is running/});

test('probe without a container runs nothing', async t => {
	const data = await probe(checkLine('command container "ip a"'), fakeProbes());
	t.deepEqual(data, {where: 'container', container: null});
});

test('a real host command, end to end', async t => {
	const result = await evaluateCheck(checkLine('command host "echo rootcamp; exit 4" exit=4 output=^rootcamp$'), createProbes({rootfs: '/nonexistent-rootcamp-rootfs'}));
	t.is(result.status, 'pass', result.message);
});

const invalid = validates(validate);
test(invalid, 'command host "ip -json link" exit=0 output=veth', undefined);
test(invalid, 'command', /needs `host` or `container` first/);
test(invalid, 'command guest "x"', /needs `host` or `container` first/);
test(invalid, 'command host', /needs the command/);
test(invalid, 'command host ip a', /takes one command: put it in double quotes/);
test(invalid, 'command host "x" exit=300', /from 0 to 255/);
test(invalid, 'command host "x" exit=no', /from 0 to 255/);
test(invalid, 'command host "x" output=(', /not a valid regular expression/);
test(invalid, 'command host "x" timeout=5', /unknown option `timeout`/);
