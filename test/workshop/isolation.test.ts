import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import type {CgroupGroup} from '../../src/host/cgroup/cgroup.ts';
import {defaultLessonsDir} from '../../src/lesson/load.ts';
import type {Snapshot} from '../../src/workshop/api.ts';
import {existingDirs, newCgroupDirs, cgroupsFact} from '../../src/workshop/facts/cgroups.ts';
import {jailFact} from '../../src/workshop/facts/jail.ts';
import {rootlessFact} from '../../src/workshop/facts/rootless.ts';
import type {Probes} from '../../src/host/probes.ts';
import {forHierarchy, isolationWatch, sideVariables, type IsolationWatch} from '../../src/workshop/isolation.ts';
import {openWorkshop} from '../../src/workshop/workshop.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {fakeProc} from '../helpers/fake-proc.ts';

const v1Group = (controllers: CgroupGroup['controllers']): CgroupGroup => ({
	name: 'rootcamp', version: 'v1', dirs: {pids: '/sys/fs/cgroup/pids/rootcamp', memory: '/sys/fs/cgroup/memory/rootcamp'}, controllers, procs: [],
});
const v2Group: CgroupGroup = {name: 'rootcamp', version: 'v2', dirs: {pids: '/sys/fs/cgroup/rootcamp', memory: '/sys/fs/cgroup/rootcamp'}, controllers: [], procs: []};
const snapshot = (cgroups: Snapshot['cgroups']): Snapshot => ({container: null, containerMounts: [], hostMounts: [], hostLinks: [], containerLinks: [], files: {}, packages: [], aptLists: 0, cgroups});

test('the course watches its groups and both side shells', async t => {
	const engine = await engineOn(t, hybridMountinfo);
	// `rootcamp` is the limits lesson's group, `faas` the one the faas lesson's handler makes a group per request in.
	t.deepEqual(isolationWatch(engine.course), {cgroups: ['rootcamp', 'faas'], shells: ['jail', 'rootless', 'layered']});
});

test('a course without these lessons watches nothing', t => {
	t.deepEqual(isolationWatch({dir: '/x', lessons: []}), {cgroups: [], shells: []});
});

const picks = test.macro({
	exec(t, selector: 'v1' | 'v2' | undefined, version: 'v1' | 'v2' | 'none', expected: boolean) {
		t.is(forHierarchy(selector, version), expected);
	},
	title: (_, selector: string | undefined, version: string, expected: boolean) => `a ${selector ?? 'plain'} block on a ${version} host: ${expected ? 'shown' : 'hidden'}`,
});

test(picks, undefined, 'v1', true);
test(picks, 'v1', 'v1', true);
test(picks, 'v2', 'v1', false);
test(picks, 'v2', 'v2', true);
test(picks, 'v1', 'v2', false);
test(picks, 'v2', 'none', true);
test(picks, 'v1', 'none', false);

test('a group\'s directories: one on v2, one per controller made on v1', t => {
	t.deepEqual(existingDirs(v2Group), ['/sys/fs/cgroup/rootcamp']);
	t.deepEqual(existingDirs(v1Group(['pids'])), ['/sys/fs/cgroup/pids/rootcamp']);
	t.deepEqual(existingDirs(null), []);
});

test('the journal learns the directories a step made', t => {
	t.deepEqual(newCgroupDirs(snapshot({rootcamp: null}), snapshot({rootcamp: v1Group(['pids', 'memory'])})), ['/sys/fs/cgroup/pids/rootcamp', '/sys/fs/cgroup/memory/rootcamp']);
	t.deepEqual(newCgroupDirs(snapshot({rootcamp: v1Group(['pids'])}), snapshot({rootcamp: v1Group(['pids', 'memory'])})), ['/sys/fs/cgroup/memory/rootcamp']);
	t.deepEqual(newCgroupDirs(snapshot({rootcamp: v2Group}), snapshot({rootcamp: v2Group})), []);
	t.deepEqual(newCgroupDirs(snapshot(undefined), snapshot(undefined)), []);
});

test('side variables only for the shells the course has', async t => {
	const probes = fakeProbes({
		jail: async () => ({pid: 301, root: '/', own: ['pid', 'mnt'], command: 'sh', startTime: 1, mountNamespace: 'mnt:[7]'}),
		async rootless() {
			throw new Error('not watched');
		},
	});
	t.deepEqual(await sideVariables(probes, {cgroups: [], shells: ['jail']}), {jail: '301', rootless: undefined, layered: undefined});
});

/** The snapshot's part that the three facts beyond the write-up read. */
const readIsolation = async (probes: Probes, watch: IsolationWatch) =>
	Object.assign({}, ...await Promise.all([cgroupsFact, jailFact, rootlessFact].map(async fact => fact.read({probes, watch, watchedPaths: []})))) as Partial<Snapshot>;

test('a snapshot reads only what is watched', async t => {
	const probes = fakeProbes({cgroup: async () => v2Group, jail: async () => null});
	t.deepEqual(await readIsolation(probes, {cgroups: ['rootcamp'], shells: ['jail']}), {cgroups: {rootcamp: v2Group}, jail: null});
	t.deepEqual(await readIsolation(probes, {cgroups: [], shells: []}), {});
});

const hybridMountinfo = '26 1 254:0 / / rw - ext4 /dev/vda rw\n34 30 0:31 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n38 30 0:35 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n';

/** The real lessons, on a host whose mount table is `mountinfo`. */
async function engineOn(t: ExecutionContext, mountinfo: string) {
	const proc = await fakeProc(t, {100: {command: 'node', mountinfo}}, 100);
	const dir = await mkdtemp(join(tmpdir(), 'rootcamp-engine-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	return openWorkshop({lessonsDir: defaultLessonsDir(), rootfs: '/var/tmp/rootcamp-fixture-rootfs', route: 'busybox', proc, paths: {state: join(dir, 'state'), cache: join(dir, 'cache'), run: join(dir, 'run')}});
}

test('a v1 host sees the v1 commands, with {{cgroupfs}} filled', async t => {
	const engine = await engineOn(t, hybridMountinfo);
	const commands = engine.commandsFor({lesson: 'limits', step: 'group'}, await engine.variables(engine.probes()));
	t.deepEqual(commands.map(command => command.text), ['mkdir /sys/fs/cgroup/pids/rootcamp /sys/fs/cgroup/memory/rootcamp\nls /sys/fs/cgroup/pids/rootcamp']);
});

test('a v2 host sees the v2 commands', async t => {
	const root = await mkdtemp(join(tmpdir(), 'rootcamp-cgroup2-'));
	t.teardown(async () => rm(root, {recursive: true, force: true}));
	const {writeFile} = await import('node:fs/promises');
	await writeFile(join(root, 'cgroup.controllers'), 'cpu memory pids\n');
	const engine = await engineOn(t, `26 1 254:0 / / rw - ext4 /dev/vda rw\n30 22 0:27 / ${root} rw - cgroup2 cgroup2 rw\n`);
	const commands = engine.commandsFor({lesson: 'limits', step: 'pids'}, await engine.variables(engine.probes()));
	t.deepEqual(commands.map(command => [command.where, command.text]), [
		['host', `echo 20 > ${root}/rootcamp/pids.max`],
		['container', 'sh -c \'b() { [ $1 -lt 5 ] && b $(($1+1)) | b $(($1+1)); sleep 1; }; b 0\''],
		['host', `cat ${root}/rootcamp/pids.events`],
	]);
});

test('the side shells\' blocks say where they run and what they start', async t => {
	const engine = await engineOn(t, hybridMountinfo);
	const variables = await engine.variables(engine.probes());
	t.like(engine.commandsFor({lesson: 'pivot-root', step: 'private'}, variables), [{where: 'host', starts: 'jail'}, {where: 'jail'}]);
	t.like(engine.commandsFor({lesson: 'rootless', step: 'map'}, variables), [{where: 'host', text: 'echo \'0 65534 1\' > /proc/{{rootless}}/uid_map\necho \'0 65534 1\' > /proc/{{rootless}}/gid_map'}, {where: 'rootless'}]);
});
