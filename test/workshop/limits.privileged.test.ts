import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import test from 'ava';
import {groupDirs, readCgroupHierarchy} from '../../src/host/cgroup/cgroup.ts';
import {openWorkshop} from '../../src/workshop/workshop.ts';
import {assertNothingLeft, cli, requirePrivileges, residue, scratch} from '../helpers/privileged.ts';
import {waitFor} from '../helpers/wait-for.ts';
import {walkSteps} from '../helpers/walk-steps.ts';

const rootcamp = (args: string[], env: NodeJS.ProcessEnv) =>
	spawnSync(process.execPath, [cli, ...args], {env, encoding: 'utf8', timeout: 10 * 60_000});

const hierarchy = readCgroupHierarchy();
const groupPaths = () => (hierarchy.version === 'none' ? [] : [...new Set(Object.values(groupDirs(hierarchy, 'rootcamp')))]);
/** The controllers the root group hands down (v2 only): the group step may turn pids and memory on. */
const rootSubtree = () => (hierarchy.version === 'v2' ? readFileSync(`${hierarchy.roots.pids}/cgroup.subtree_control`, 'utf8').trim() : undefined);

/**
 * The limits lesson alone, on the busybox rootfs (offline): the container the enter lesson
 * starts, then each step fails before, passes after "run it", and names its change; reset
 * leaves no group behind and the root group as it found it. This is the test that
 * `npm run test:cgroup-v2` runs on a cgroup v2 kernel; here it runs on this host's hierarchy.
 */
test.serial(`the limits lesson on this host's control groups (${hierarchy.version})`, async t => {
	if (!requirePrivileges(t, hierarchy.version === 'none' ? `no usable control groups: ${hierarchy.reason}` : (existsSync('/bin/busybox') ? undefined : 'busybox-static is not installed'))) {
		return;
	}

	await waitFor(() => groupPaths().every(path => !existsSync(path)), {timeout: 5 * 60_000, describe: () => 'another workshop on this host still holds the control group rootcamp'});
	const othersBefore = residue();
	const subtreeBefore = rootSubtree();
	const area = scratch('limits');
	t.teardown(() => {
		rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
		area.remove();
	});
	for (const lesson of ['copy', 'enter']) {
		const solve = rootcamp(['solve', lesson, '--yes', '--route', 'busybox', '--rootfs', area.rootfs], area.env);
		t.is(solve.status, 0, `solve ${lesson}:\n${solve.stdout}${solve.stderr}`);
	}

	const engine = await openWorkshop({rootfs: area.rootfs, route: 'busybox', paths: area.paths});
	const limits = engine.course.lessons.filter(lesson => lesson.id === 'limits');
	await walkSteps(t, engine, limits, {route: 'busybox', everyStepNamed: true, changeNamed: {
		'limits/group': /\+ control group rootcamp created \(cgroup v[12]: /,
		'limits/join': /\+ the container's shell \(pid \d+\) joined control group rootcamp/,
		'limits/pids': /~ rootcamp pids\.max: max → 20 [\s\S]*\+ rootcamp refused \d+ forks? at pids\.max 20/,
		'limits/memory': /~ rootcamp memory\.(?:max|limit_in_bytes): max → 32M\n\+ the OOM killer ended \d+ process(?:es)? in rootcamp/,
	}});

	const verify = JSON.parse(rootcamp(['verify', 'limits', '--json', '--rootfs', area.rootfs], area.env).stdout) as {summary: {fail: number}};
	t.is(verify.summary.fail, 0, 'verify passes the lesson');

	const reset = rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
	t.is(reset.status, 0, reset.stderr);
	t.log(reset.stdout);
	t.notRegex(reset.stdout, /^left: /m, 'reset leaves nothing for the learner to clean up');
	t.deepEqual(groupPaths().filter(path => existsSync(path)), [], 'no control group of the lesson is left');
	t.is(rootSubtree(), subtreeBefore, 'the root group hands down what it did before the lesson');
	assertNothingLeft(t, othersBefore, area.dir);
});
