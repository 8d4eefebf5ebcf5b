import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import test, {type ExecutionContext} from 'ava';
import {groupDirs, readCgroupHierarchy} from '../../src/host/cgroup/cgroup.ts';
import {isRunning} from '../../src/host/proc/processes.ts';
import type {Route} from '../../src/lesson/types.ts';
import {stepKey} from '../../src/workshop/progress.ts';
import {openWorkshop} from '../../src/workshop/workshop.ts';
import {assertNothingLeft, cli, requirePrivileges, residue, scratch} from '../helpers/privileged.ts';
import {seedDebootstrap} from '../helpers/debootstrap-seed.ts';
import {waitFor} from '../helpers/wait-for.ts';
import {walkSteps} from '../helpers/walk-steps.ts';

/** The write-up's lessons, which `solve` runs first, and the three this test walks after them. */
const writeUp = ['copy', 'enter', 'network-basic', 'network-advanced'];
const beyond = ['limits', 'pivot-root', 'rootless'];

/** What "what changed" must name after each step. */
const changeNamed: Record<string, RegExp> = {
	'limits/group': /\+ control group rootcamp created \(cgroup v[12]: /,
	'limits/join': /\+ the container's shell \(pid \d+\) joined control group rootcamp/,
	'limits/pids': /~ rootcamp pids\.max: max → 20 [\s\S]*\+ rootcamp refused \d+ forks? at pids\.max 20/,
	'limits/memory': /~ rootcamp memory\.(?:max|limit_in_bytes): max → 32M\n\+ the OOM killer ended \d+ process(?:es)? in rootcamp/,
	'pivot-root/escape': /\+ \S+\/tmp\/escaped \(/,
	'pivot-root/private': /\+ jail shell started: pid \d+ with its own pid, mnt namespaces\n\+ \S+ bind-mounted on \S+ \(jail only; host mounts unchanged\)/,
	'pivot-root/pivot': /~ the jail's \/ is now \S+ of \S+ \(pivot_root\)[\s\S]*\+ proc mounted on \/proc \(jail only[\s\S]*- the old root and the \d+ mounts? under it are gone/,
	'rootless/userns': /\+ rootless shell started: pid \d+, uid 65534 on the host, in a user namespace of its own; no uid map yet/,
	'rootless/map': /~ pid \d+'s uid map: none → 0 65534 1 \(root inside is uid 65534 outside\)/,
};

const rootcamp = (args: string[], env: NodeJS.ProcessEnv) =>
	spawnSync(process.execPath, [cli, ...args], {env, encoding: 'utf8', timeout: 10 * 60_000});

const hostHas = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** The lesson's control group, in every tree this host keeps pids and memory in. */
const groupPaths = (): string[] => {
	const hierarchy = readCgroupHierarchy();
	return hierarchy.version === 'none' ? [] : [...new Set(Object.values(groupDirs(hierarchy, 'rootcamp')))];
};

/** Names global to the host: another workshop holding them must finish first. */
const hostFree = () => groupPaths().every(path => !existsSync(path))
	&& spawnSync('ip', ['link', 'show', 'vethHost']).status !== 0
	&& spawnSync('ip', ['link', 'show', 'vethCont']).status !== 0;

/** A process that has ended (a zombie has, too). */
const ended = (pid: number) => {
	try {
		return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
	} catch {
		return true;
	}
};

/** Why this host cannot run the lessons, or undefined. */
const cannotIsolate = (route: Route): string | undefined => {
	const hierarchy = readCgroupHierarchy();
	if (hierarchy.version === 'none') {
		return `no usable control groups: ${hierarchy.reason}`;
	}

	const unprivileged = '/proc/sys/kernel/unprivileged_userns_clone';
	if (existsSync(unprivileged) && readFileSync(unprivileged, 'utf8').trim() === '0') {
		return 'this kernel forbids user namespaces to ordinary users (kernel.unprivileged_userns_clone=0)';
	}

	if (!hostHas('setpriv') || !hostHas('pivot_root')) {
		return 'setpriv or pivot_root is missing (apt-get install util-linux)';
	}

	return route === 'busybox'
		? (existsSync('/bin/busybox') ? undefined : 'busybox-static is not installed')
		: (hostHas('debootstrap') ? undefined : 'debootstrap is not installed');
};

/**
 * As a learner would: `rootcamp solve` runs the write-up's four lessons, then limits, pivot-root
 * and rootless are walked step by step on the real kernel: each step's check fails before,
 * `runStep` runs it, it passes after, "what changed" names the change, and the container stays
 * the write-up's (neither the jail nor the rootless shell is taken for it). Then verify passes the
 * write-up and these lessons, and reset leaves no process, mount, link or control group behind.
 */
const walkIsolation = async (t: ExecutionContext, route: Route) => {
	await waitFor(hostFree, {timeout: 5 * 60_000, describe: () => 'another workshop on this host still holds vethHost, vethCont or the control group rootcamp'});
	const othersBefore = residue();
	const area = scratch(`isolation-${route}`);
	t.teardown(() => {
		rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
		area.remove();
	});
	if (route === 'debootstrap') {
		await seedDebootstrap(area.paths.cache);
	}

	for (const lesson of writeUp) {
		const solve = rootcamp(['solve', lesson, '--yes', '--route', route, '--rootfs', area.rootfs], area.env);
		t.is(solve.status, 0, `solve ${lesson}:\n${solve.stdout}${solve.stderr}`);
	}

	const engine = await openWorkshop({rootfs: area.rootfs, route, paths: area.paths});
	const container = await engine.probes().container();
	t.true(container?.own.includes('net'), 'network-advanced left its container');
	const started: number[] = [];
	await walkSteps(t, engine, engine.course.lessons.filter(lesson => beyond.includes(lesson.id)), {changeNamed, everyStepNamed: true, route, async afterStep(ref) {
		const probes = engine.probes();
		t.is((await probes.container())?.pid, container?.pid, `${stepKey(ref)}: the container is still the write-up's shell`);
		if (stepKey(ref) === 'limits/pids') {
			// "Run it" returns once the bomb has ended, so the memory step counts none of its forks.
			// Zombies it has not reaped yet still count in pids.current; they run nothing and fork nothing.
			const hierarchy = readCgroupHierarchy();
			const procs = hierarchy.version === 'none' ? [] : readFileSync(`${groupDirs(hierarchy, 'rootcamp').pids}/cgroup.procs`, 'utf8').split('\n').filter(Boolean).map(Number);
			t.deepEqual(procs.filter(pid => isRunning(pid)), [container!.pid], 'limits/pids: only the container\'s shell still runs in the group');
		}

		started.push(...[await probes.jail(), await probes.rootless()].flatMap(shell => (shell ? [shell.pid] : [])));
	}});

	const verify = rootcamp(['verify', '--json', '--rootfs', area.rootfs], area.env);
	const report = JSON.parse(verify.stdout) as {container: {pid: number}; lessons: Array<{id: string; steps: Array<{id: string; status: string; message: string}>}>};
	const upToHere = report.lessons.filter(lesson => [...writeUp, ...beyond].includes(lesson.id));
	t.deepEqual(upToHere.map(lesson => lesson.id), [...writeUp, ...beyond]);
	const failures = upToHere.flatMap(lesson => lesson.steps.filter(step => step.status === 'fail').map(step => `${lesson.id}/${step.id}: ${step.message}`));
	t.deepEqual(failures, [], 'verify passes the write-up\'s lessons and these three');
	t.is(report.container.pid, container!.pid, 'verify finds the write-up\'s container, not a side shell');

	const reset = rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
	t.is(reset.status, 0, reset.stderr);
	t.log(reset.stdout);
	t.notRegex(reset.stdout, /^left: /m, 'reset leaves nothing for the learner to clean up');
	t.false(existsSync(area.rootfs), 'reset --purge removes the rootfs rootcamp made');
	t.deepEqual(groupPaths().filter(path => existsSync(path)), [], 'no control group of the lesson is left');
	t.deepEqual([...new Set(started)].filter(pid => !ended(pid)), [], 'the jail and the rootless shell are gone');
	assertNothingLeft(t, othersBefore, area.dir);
};

test.serial('limits, pivot-root and rootless after the write-up, on a busybox rootfs', async t => {
	if (!requirePrivileges(t, cannotIsolate('busybox'))) {
		return;
	}

	await walkIsolation(t, 'busybox');
});

test.serial('limits, pivot-root and rootless after the write-up, on a debootstrap rootfs (dash, coreutils, util-linux)', async t => {
	if (!requirePrivileges(t, cannotIsolate('debootstrap'))) {
		return;
	}

	await walkIsolation(t, 'debootstrap');
});
