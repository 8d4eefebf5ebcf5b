import test from 'ava';
import {judge, probe, validate, watches, type FaasData} from '../../src/check/kinds/faas.ts';
import {parseAnswer} from '../../src/host/faas/answer.ts';
import type {Held} from '../../src/host/faas/requests.ts';
import type {Residue} from '../../src/host/faas/residue.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {validates} from '../helpers/validate-macro.ts';

const socket = '/work/faas/sock';
const service = {pid: 700, startTime: 5, socket, handler: '/work/faas/handler'};
const host = {namespaces: {pid: 'pid:[1]', mnt: 'mnt:[2]', uts: 'uts:[3]', ipc: 'ipc:[4]', net: 'net:[5]'}, hostname: 'vm'};

/** The lesson's function's whoami answer, for a container whose namespace inodes start at `base`. */
const whoami = (name: string, base: number, {interfaces = 'lo'}: {interfaces?: string} = {}) =>
	`hostname: ${name}\n${['pid', 'mnt', 'uts', 'ipc', 'net'].map((kind, index) => `${kind}:[${base + index}]`).join('\n')}\ninterfaces: ${interfaces} \n`;
/** A held request; its process's namespaces as the host reads them are the answer's unless `seen` says otherwise. */
const held = (text: string, living: number[] = [901], seen?: Held['seen']): Held => ({
	text,
	complete: /^interfaces:/m.test(text),
	living,
	...(living.length > 0 ? {seen: seen ?? parseAnswer(text).namespaces} : {}),
});

const judges = test.macro({
	exec(t, line: string, data: Omit<FaasData, 'socket' | 'socat'> & {socat?: boolean}, expected: Expected) {
		expectResult(t, judge(checkLine(line), {socket, socat: true, ...data}), expected);
	},
	title: (given, line: string) => `${given}: ${line}`,
});

const isolated = 'faas /work/faas/sock concurrent=2 isolated';
test('no listener', judges, isolated, {service: undefined}, {status: 'fail', message: /nothing listens on \/work\/faas\/sock: start the service/, expected: 'socat listening on /work/faas/sock', actual: 'no listener'});
test('no socat on this host', judges, isolated, {service: undefined, socat: false}, {status: 'skip', message: /socat is not installed .*apt-get install socat/});
test('two containers of their own', judges, isolated, {service, host, concurrent: [held(whoami('faas-a', 100), [901]), held(whoami('faas-b', 200), [902])]}, {
	status: 'pass',
	message: /2 requests on \/work\/faas\/sock ran at once, each in a container of its own: faas-a \(host pid 901\), faas-b \(host pid 902\)/,
	actual: '1: hostname faas-a pid:[100] mnt:[101] uts:[102] ipc:[103] net:[104] interfaces lo; 2: hostname faas-b pid:[200] mnt:[201] uts:[202] ipc:[203] net:[204] interfaces lo',
});
test('no /proc in the request\'s root', judges, isolated, {service, host, concurrent: [held('hostname: vm\ninterfaces: \n'), held('hostname: vm\ninterfaces: \n')]}, {status: 'fail', message: /request 1 printed no pid, mnt, uts, ipc and net namespace: .*mount -t proc proc ROOT\/proc/});
test('the host\'s namespaces', judges, isolated, {service, host, concurrent: [held(whoami('faas-a', 100).replace('uts:[102]', 'uts:[3]').replace('net:[104]', 'net:[5]')), held(whoami('faas-b', 200))]}, {status: 'fail', message: /request 1 shares the host's uts and net namespaces: start it with unshare --uts --net$/});
test('the host\'s hostname', judges, isolated, {service, host, concurrent: [held(whoami('vm', 100)), held(whoami('faas-b', 200))]}, {status: 'fail', message: /request 1 is named vm, as the host is/});
test('a network', judges, isolated, {service, host, concurrent: [held(whoami('faas-a', 100, {interfaces: 'lo eth0'})), held(whoami('faas-b', 200))]}, {status: 'fail', message: /request 1 sees the interfaces lo, eth0: .*lo and nothing else/});
test('one namespace shared by both', judges, isolated, {service, host, concurrent: [held(whoami('faas-a', 100)), held(whoami('faas-b', 200).replace('ipc:[203]', 'ipc:[103]'))]}, {status: 'fail', message: /the requests share a ipc namespace \(ipc:\[103], ipc:\[103]\)/});
test('one name for both', judges, isolated, {service, host, concurrent: [held(whoami('faas', 100)), held(whoami('faas', 200))]}, {status: 'fail', message: /the requests are all named faas/});
test('an answer from a container already gone', judges, isolated, {service, host, concurrent: [held(whoami('faas-a', 100), []), held(whoami('faas-b', 200))]}, {status: 'fail', message: /no host process was in its PID namespace \(pid:\[100]\).*while read -r _; do :; done/});
test('an answer that is not what its process runs in (the function printed namespaces that are not its own)', judges, isolated, {service, host, concurrent: [held(whoami('faas-a', 100), [901], {pid: 'pid:[100]', mnt: 'mnt:[2]', uts: 'uts:[102]', ipc: 'ipc:[103]', net: 'net:[5]'}), held(whoami('faas-b', 200))]}, {status: 'fail', message: /request 1 says its mnt and net namespaces are mnt:\[101] net:\[104], but its process \(host pid 901\) is in mnt:\[2] net:\[5]: the function must print its own/});
test('an answer cut short', judges, isolated, {service, host, concurrent: [held('hostname: faas-a\npid:[100]\n'), held(whoami('faas-b', 200))]}, {status: 'fail', message: /request 1 gave no whole answer in time/});

const answers = 'faas /work/faas/sock answers';
test('the service answers', judges, answers, {service, answers: {text: 'hostname: vm\ninterfaces: \n'}}, {status: 'pass', message: /the faas service \(pid 700\) answers on \/work\/faas\/sock: hostname vm/});
test('the service answers nothing', judges, answers, {service, answers: {text: ''}}, {status: 'fail', message: /answered no hostname line: .*echo whoami \| \/work\/faas\/handler/, actual: 'empty'});
test('the connection fails', judges, answers, {service, answers: {text: '', error: 'nothing listens on /work/faas/sock'}}, {status: 'fail', message: /socat \(pid 700\) listens, but the request failed: nothing listens/});

const empty: Residue = {requests: [], mounts: [], processes: [], groups: [], layers: {'/l/2': 'a', '/l/1': 'b'}};
const clean = 'faas /work/faas/sock request=write clean requests=/work/faas/req layers=/l/2:/l/1 cgroup=faas';
test('nothing left', judges, clean, {service, residue: {before: empty, answer: {text: 'wrote\n'}, after: empty}}, {status: 'pass', message: /"write" answered \(wrote\) and left nothing: .*2 shared layers unchanged/, actual: 'nothing left'});
test('a directory left', judges, clean, {service, residue: {before: {...empty, requests: ['old']}, answer: {text: 'wrote\n'}, after: {...empty, requests: ['new', 'old']}}}, {status: 'fail', message: /left its directory behind \(\/work\/faas\/req\/new\): .*rm -rf \$req/, actual: 'request dirs new, old'});
test('a mount left on the host', judges, clean, {service, residue: {before: empty, answer: {text: 'wrote\n'}, after: {...empty, mounts: ['overlay on /work/faas/req/x/root']}}}, {status: 'fail', message: /left a mount on the host \(overlay on \/work\/faas\/req\/x\/root\): .*unshare --mount/});
test('a container still running', judges, clean, {service, residue: {before: empty, answer: {text: 'wrote\n'}, after: {...empty, processes: [42]}}}, {status: 'fail', message: /still runs after it answered \(pid 42\)/});
test('a group left', judges, clean, {service, residue: {before: empty, answer: {text: 'wrote\n'}, after: {...empty, groups: ['faas/x']}}}, {status: 'fail', message: /left its control group behind \(faas\/x\)/});
test('a layer written', judges, clean, {service, residue: {before: empty, answer: {text: 'wrote\n'}, after: {...empty, layers: {'/l/2': 'changed', '/l/1': 'b'}}}}, {status: 'fail', message: /changed the shared layer \/l\/2: /});
test('no answer', judges, clean, {service, residue: {before: empty, answer: {text: ' \n'}, after: empty}}, {status: 'fail', message: /answered nothing to "write"/});

const bomb = 'faas /work/faas/sock request=forkbomb hit=pids cgroup=faas';
const group = {name: 'faas/abc', pidsMax: 32, memoryMax: 32 * 1024 * 1024, forksRefused: 0, oomKills: 0};
const whoamiNext = {text: whoami('faas-c', 300)};
test('a fork bomb held', judges, bomb, {service, limit: {answer: {text: 'can\'t fork'}, groups: [{...group, forksRefused: 12}], next: whoamiNext}}, {status: 'pass', message: /"forkbomb" was held in faas\/abc \(12 forks refused at pids\.max 32\), and the service \(pid 700\) answered the next request \(hostname faas-c\)/});
test('no group per request', judges, bomb, {service, limit: {answer: {text: ''}, groups: [], next: whoamiNext}}, {status: 'fail', message: /ran in no control group under faas/, actual: 'no group appeared under faas'});
test('a group that never refused', judges, bomb, {service, limit: {answer: {text: ''}, groups: [{...group, pidsMax: 'max'}], next: whoamiNext}}, {status: 'fail', message: /never hit pids\.max/, actual: 'faas/abc: pids.max max, memory 32M, 0 forks refused, 0 OOM kills'});
test('a container that ended under its open request, group and all, before a read showed the limit hit', judges, bomb, {service, limit: {answer: {text: 'can\'t fork'}, groups: [{...group, vanished: true}], next: whoamiNext}}, {status: 'fail', message: /container ended while its caller was still connected, and its group faas\/abc went with it before it showed a fork refused .*PID 1 .*subshell/, actual: 'faas/abc: pids.max 32, memory 32M, 0 forks refused, 0 OOM kills, removed while the request was open'});
test('a service that stopped answering', judges, bomb, {service, limit: {answer: {text: ''}, groups: [{...group, forksRefused: 3}], next: {text: '', error: 'nothing listens on /work/faas/sock'}}}, {status: 'fail', message: /did not answer whoami \(nothing listens on \/work\/faas\/sock\)/});
test('a memory hog held', judges, 'faas /work/faas/sock request=hog hit=memory cgroup=faas', {service, limit: {answer: {text: 'Killed'}, groups: [{...group, oomKills: 1}], next: whoamiNext}}, {status: 'pass', message: /1 process OOM-killed at 32M/});
test('a memory hog that ran free', judges, 'faas /work/faas/sock request=hog hit=memory cgroup=faas', {service, limit: {answer: {text: ''}, groups: [{...group, forksRefused: 2}], next: whoamiNext}}, {status: 'fail', message: /never hit the memory limit/});

test('probe asks nothing when nothing listens', async t => {
	const data = await probe(checkLine(clean), fakeProbes({faasServices: async () => [{...service, socket: '/elsewhere'}]}));
	t.deepEqual(data, {socket, service: undefined, socat: true});
});

test('probe asks the listener on the line\'s socket what the line asks', async t => {
	const asked: unknown[] = [];
	const probes = fakeProbes({
		faasServices: async () => [service],
		async faasResidue(path, options) {
			asked.push([path, options]);
			return {before: empty, answer: {text: 'wrote'}, after: empty};
		},
	});
	const data = await probe(checkLine(clean), probes);
	t.deepEqual(asked, [[socket, {request: 'write', requests: '/work/faas/req', layers: ['/l/2', '/l/1'], cgroup: 'faas'}]]);
	t.is(data.residue?.answer.text, 'wrote');
});

test('watches the group it names', t => {
	t.deepEqual(watches(checkLine(bomb)), {cgroups: ['faas']});
	t.deepEqual(watches(checkLine(isolated)), {cgroups: []});
});

const invalid = validates(validate);
test(invalid, isolated, undefined);
test(invalid, clean, undefined);
test(invalid, bomb, undefined);
test(invalid, answers, undefined);
test(invalid, 'faas sock answers', /must be an absolute path/);
test(invalid, 'faas /s', /needs what to ask/);
test(invalid, 'faas /s isolated', /concurrent=N, 2 to 8/);
test(invalid, 'faas /s concurrent=1 isolated', /concurrent=N, 2 to 8/);
test(invalid, 'faas /s request=write clean', /`clean` needs request=, requests=DIR .* and layers=/);
test(invalid, 'faas /s request=x hit=cpu cgroup=faas', /known limits are pids, memory/);
test(invalid, 'faas /s request=x hit=pids', /needs request= .* and cgroup=/);
test(invalid, 'faas /s answers isolated concurrent=2', /ask one thing per line/);
test(invalid, 'faas /s answers port=80', /unknown option `port`/);
