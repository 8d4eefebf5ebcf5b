import test from 'ava';
import {judge, probe, validate, type CgroupData, type Membership} from '../../src/check/kinds/cgroup.ts';
import {noContainerMessage} from '../../src/check/result.ts';
import type {CgroupGroup, CgroupHierarchy} from '../../src/host/cgroup/cgroup.ts';
import type {ContainerInfo} from '../../src/host/types.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {validates} from '../helpers/validate-macro.ts';

const v2: CgroupHierarchy = {version: 'v2', roots: {pids: '/sys/fs/cgroup', memory: '/sys/fs/cgroup'}, base: '/sys/fs/cgroup'};
const v1: CgroupHierarchy = {version: 'v1', roots: {pids: '/sys/fs/cgroup/pids', memory: '/sys/fs/cgroup/memory'}, base: '/sys/fs/cgroup'};
const shell: ContainerInfo = {pid: 4242, root: '/ubunturoot', own: ['pid', 'mnt', 'net'], command: '/bin/bash', startTime: 1};

const group = (version: 'v1' | 'v2', patch: Partial<CgroupGroup> = {}): CgroupGroup => ({
	name: 'rootcamp',
	version,
	dirs: version === 'v2'
		? {pids: '/sys/fs/cgroup/rootcamp', memory: '/sys/fs/cgroup/rootcamp'}
		: {pids: '/sys/fs/cgroup/pids/rootcamp', memory: '/sys/fs/cgroup/memory/rootcamp'},
	controllers: ['pids', 'memory'],
	procs: [],
	pidsMax: 'max',
	memoryMax: 'max',
	forksRefused: 0,
	oomKills: 0,
	...patch,
});

const inGroup = (version: 'v1' | 'v2'): Membership => ({
	container: shell,
	groups: version === 'v2' ? [{id: 0, controllers: [], path: '/rootcamp'}] : [{id: 8, controllers: ['pids'], path: '/rootcamp'}, {id: 4, controllers: ['memory'], path: '/rootcamp'}, {id: 0, controllers: [], path: '/'}],
	strangers: [],
});

const judges = test.macro({
	exec(t, line: string, data: Omit<CgroupData, 'name'>, expected: Expected) {
		expectResult(t, judge(checkLine(line), {name: 'rootcamp', ...data}), expected);
	},
	title: (given, line: string) => `${given}: ${line}`,
});

test('no usable hierarchy', judges, 'cgroup rootcamp controllers=pids,memory', {hierarchy: {version: 'none', reason: 'no cgroup filesystem is mounted'}, group: null}, {status: 'fail', message: /cannot find the pids and memory controllers on this host: no cgroup filesystem/});
test('v2, no group yet', judges, 'cgroup rootcamp controllers=pids,memory', {hierarchy: v2, group: null}, {status: 'fail', message: /no control group rootcamp: on the host, mkdir \/sys\/fs\/cgroup\/rootcamp, and give it the controllers: echo \+pids \+memory > \/sys\/fs\/cgroup\/cgroup.subtree_control/});
test('v1, no group yet', judges, 'cgroup rootcamp controllers=pids,memory', {hierarchy: v1, group: null}, {status: 'fail', message: /mkdir \/sys\/fs\/cgroup\/pids\/rootcamp \/sys\/fs\/cgroup\/memory\/rootcamp/});
test('v2, made', judges, 'cgroup rootcamp controllers=pids,memory', {hierarchy: v2, group: group('v2')}, {status: 'pass', actual: 'cgroup v2; pids, memory; 0 processes; pids.max max; memory.max max'});
test('v1, made', judges, 'cgroup rootcamp controllers=pids,memory', {hierarchy: v1, group: group('v1')}, {status: 'pass'});
test('v2, controllers not handed down', judges, 'cgroup rootcamp controllers=pids,memory', {hierarchy: v2, group: group('v2', {controllers: ['memory']})}, {status: 'fail', message: /lacks the pids controller: the parent does not hand pids down to it: echo \+pids > \/sys\/fs\/cgroup\/cgroup.subtree_control/});
test('v1, made in one tree only', judges, 'cgroup rootcamp controllers=pids,memory', {hierarchy: v1, group: group('v1', {controllers: ['pids']})}, {status: 'fail', message: /no directory in the memory hierarchy: mkdir \/sys\/fs\/cgroup\/memory\/rootcamp/});
test('v2, the shell joined', judges, 'cgroup rootcamp member=container', {hierarchy: v2, group: group('v2', {procs: [4242]}), membership: inGroup('v2')}, {status: 'pass'});
test('v1, the shell joined both trees', judges, 'cgroup rootcamp member=container', {hierarchy: v1, group: group('v1', {procs: [4242]}), membership: inGroup('v1')}, {status: 'pass'});
test('v2, the shell is elsewhere', judges, 'cgroup rootcamp member=container', {hierarchy: v2, group: group('v2'), membership: {container: shell, groups: [{id: 0, controllers: [], path: '/user.slice'}], strangers: []}}, {status: 'fail', message: /shell \(pid 4242\) is not in rootcamp: on the host run echo 4242 > \/sys\/fs\/cgroup\/rootcamp\/cgroup.procs \(its host PID, never the 1/});
test('v1, in pids but not memory', judges, 'cgroup rootcamp member=container', {hierarchy: v1, group: group('v1'), membership: {container: shell, groups: [{id: 8, controllers: ['pids'], path: '/rootcamp'}, {id: 4, controllers: ['memory'], path: '/'}], strangers: []}}, {status: 'fail', message: /not in rootcamp for memory: on the host run echo 4242 > \/sys\/fs\/cgroup\/memory\/rootcamp\/cgroup.procs/});
test('the trap: the host\'s init was moved in', judges, 'cgroup rootcamp member=container', {hierarchy: v2, group: group('v2', {procs: [1, 4242]}), membership: {...inGroup('v2'), strangers: [1]}}, {status: 'fail', message: /also holds a process of the host, not of the container \(pid 1\).*echo PID > \/sys\/fs\/cgroup\/cgroup.procs/});
test('v1 strangers go back to both roots', judges, 'cgroup rootcamp member=container', {hierarchy: v1, group: group('v1', {procs: [1, 4242]}), membership: {...inGroup('v1'), strangers: [1, 77]}}, {status: 'fail', message: /processes of the host.*pid 1, 77.*\/sys\/fs\/cgroup\/pids\/cgroup.procs and \/sys\/fs\/cgroup\/memory\/cgroup.procs/});
test('no container: skip', judges, 'cgroup rootcamp member=container', {hierarchy: v2, group: group('v2'), membership: {container: null, strangers: []}}, {status: 'skip', message: new RegExp(`^${noContainerMessage}$`)});
test('the shell ended mid-read', judges, 'cgroup rootcamp member=container', {hierarchy: v2, group: group('v2'), membership: {container: shell, groups: null, strangers: []}}, {status: 'fail', message: /ended while rootcamp read its groups/});
test('pids.max not set', judges, 'cgroup rootcamp pids.max=20 hit=pids', {hierarchy: v2, group: group('v2')}, {status: 'fail', message: /pids.max of rootcamp is max, not 20: on the host, echo 20 > \/sys\/fs\/cgroup\/rootcamp\/pids.max/});
test('pids.max set, no bomb yet', judges, 'cgroup rootcamp pids.max=20 hit=pids', {hierarchy: v2, group: group('v2', {pidsMax: 20})}, {status: 'fail', message: /refused no fork yet \(pids.events: max 0\): run the fork bomb in the container's own shell\. A process started with nsenter/});
test('the bomb was held', judges, 'cgroup rootcamp pids.max=20 hit=pids', {hierarchy: v2, group: group('v2', {pidsMax: 20, forksRefused: 14})}, {status: 'pass', message: /14 forks refused/});
test('v1 memory limit, its own file name', judges, 'cgroup rootcamp memory.max=32M hit=memory', {hierarchy: v1, group: group('v1')}, {status: 'fail', message: /memory.limit_in_bytes of rootcamp is max, not 32M: on the host, echo 32M > \/sys\/fs\/cgroup\/memory\/rootcamp\/memory.limit_in_bytes, and echo 0 > \/sys\/fs\/cgroup\/memory\/rootcamp\/memory.swappiness/});
test('v2 memory limit, and swap', judges, 'cgroup rootcamp memory.max=32M hit=memory', {hierarchy: v2, group: group('v2', {memoryMax: 1024})}, {status: 'fail', message: /memory.max of rootcamp is 1K, not 32M: .*memory.max, and echo 0 > \/sys\/fs\/cgroup\/rootcamp\/memory.swap.max/});
test('the limit, no hog yet', judges, 'cgroup rootcamp memory.max=32M hit=memory', {hierarchy: v1, group: group('v1', {memoryMax: 33_554_432})}, {status: 'fail', message: /no process in rootcamp has been OOM-killed yet \(oom_kill 0\)/});
test('the hog was killed', judges, 'cgroup rootcamp memory.max=32M hit=memory', {hierarchy: v1, group: group('v1', {memoryMax: 33_554_432, oomKills: 1})}, {status: 'pass', message: /memory.max 32M; 1 OOM kill/});
test('32m and 32M are the same size', judges, 'cgroup rootcamp memory.max=32m', {hierarchy: v2, group: group('v2', {memoryMax: 33_554_432})}, {status: 'pass'});

test('probe: who is in the group, and who is not the container\'s', async t => {
	const data = await probe(checkLine('cgroup rootcamp member=container'), fakeProbes({
		container: async () => shell,
		cgroupHierarchy: async () => v2,
		cgroup: async () => group('v2', {procs: [1, 4242, 4300, 4400]}),
		processCgroups: async () => inGroup('v2').groups!,
		pidNamespace: async pid => ({1: 'pid:[1]', 4242: 'pid:[9]', 4300: 'pid:[9]'} as Record<number, string>)[pid],
	}));
	// 4400 ended between the two reads: no namespace, and nobody's.
	t.deepEqual(data.membership?.strangers, [1]);
	t.is(data.membership?.container, shell);
});

test('probe without member= does not look for the container', async t => {
	const data = await probe(checkLine('cgroup rootcamp pids.max=20'), fakeProbes({
		cgroupHierarchy: async () => v1,
		cgroup: async () => null,
		async container() {
			throw new Error('not needed');
		},
	}));
	t.deepEqual(data, {name: 'rootcamp', hierarchy: v1, group: null});
});

test('probe without a container', async t => {
	const data = await probe(checkLine('cgroup rootcamp member=container'), fakeProbes({cgroupHierarchy: async () => v2, cgroup: async () => group('v2')}));
	t.deepEqual(data.membership, {container: null, strangers: []});
});

const invalid = validates(validate);
test(invalid, 'cgroup rootcamp controllers=pids,memory', undefined);
test(invalid, 'cgroup rootcamp member=container', undefined);
test(invalid, 'cgroup rootcamp pids.max=20 hit=pids', undefined);
test(invalid, 'cgroup rootcamp memory.max=32M hit=memory', undefined);
test(invalid, 'cgroup rootcamp pids.max=max', undefined);
test(invalid, 'cgroup', /needs the group's name/);
test(invalid, 'cgroup a b', /takes one group name/);
test(invalid, 'cgroup /sys/fs/cgroup/rootcamp', /is not a group name/);
test(invalid, 'cgroup ../x', /is not a group name/);
test(invalid, 'cgroup rootcamp controllers=cpu', /unknown controller `cpu`/);
test(invalid, 'cgroup rootcamp member=host', /only `member=container`/);
test(invalid, 'cgroup rootcamp pids.max=lots', /must be a number of processes or `max`/);
test(invalid, 'cgroup rootcamp memory.max=32MB', /must be bytes/);
test(invalid, 'cgroup rootcamp hit=cpu', /unknown limit `cpu` in hit=/);
test(invalid, 'cgroup rootcamp limit=20', /unknown option `limit`/);
