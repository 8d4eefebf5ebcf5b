import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import test, {type ExecutionContext} from 'ava';
import type {RuntimeRow} from '../../src/check/runtime-table.ts';
import type {Route} from '../../src/lesson/types.ts';
import {stepKey} from '../../src/workshop/progress.ts';
import {openWorkshop} from '../../src/workshop/workshop.ts';
import {assertNothingLeft, cli, requirePrivileges, residue, scratch} from '../helpers/privileged.ts';
import {seedDebootstrap} from '../helpers/debootstrap-seed.ts';
import {waitFor} from '../helpers/wait-for.ts';
import {walkSteps} from '../helpers/walk-steps.ts';

const writeUp = ['copy', 'enter', 'network-basic', 'network-advanced'];

/** What "what changed" must name after each step of the runtime lesson. */
const changeNamed: Record<string, RegExp> = {
	'runtime/bundle': /\+ \S+\/runc\/config\.json \(/,
	'runtime/run': /\+ runc container rootcamp running: init pid \d+, root \S+/,
	'runtime/compare': /\+ \S+\/runc\/runc\.status \(/,
	'runtime/ipc': /~ the container's shell \(pid \d+, same process\) now has its own ipc namespace/,
	'runtime/caps': /~ the container's CapBnd \(pid \d+, same process\): \d+ capabilities → 3: kill, net_bind_service, audit_write[\s\S]*~ the container's NoNewPrivs: 0 → 1/,
	'runtime/mask': /\+ \/dev\/null bind-mounted on \/proc\/\w+: masked in the container only/,
	'runtime/proc-sys': /~ \/proc\/sys is read-only in the container now/,
};

const rootcamp = (args: string[], env: NodeJS.ProcessEnv) =>
	spawnSync(process.execPath, [cli, ...args], {env, encoding: 'utf8', timeout: 10 * 60_000});

const hostHas = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** runc's containers, as `runc list` prints them (the header aside). */
const runcList = () => spawnSync('runc', ['list', '-q'], {encoding: 'utf8'}).stdout.split('\n').filter(Boolean);

/** The control group directories runc makes for the lesson's container. */
const runcGroups = () => spawnSync('sh', ['-c', 'ls -d /sys/fs/cgroup/*/runc-rootcamp /sys/fs/cgroup/runc-rootcamp 2>/dev/null'], {encoding: 'utf8'}).stdout.split('\n').filter(Boolean);

/** Why this host cannot run the lesson, or undefined. */
const cannotRun = (route: Route): string | undefined => {
	if (!hostHas('runc') || !hostHas('capsh')) {
		return 'runc or capsh is missing (apt-get install runc libcap2-bin)';
	}

	return route === 'busybox'
		? (existsSync('/bin/busybox') ? undefined : 'busybox-static is not installed')
		: (hostHas('debootstrap') ? undefined : 'debootstrap is not installed');
};

const status = (pid: number) => readFileSync(`/proc/${pid}/status`, 'utf8');
const field = (text: string, name: string) => new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(text)?.[1];

/**
 * As a learner would: `rootcamp solve` runs the write-up's four lessons, then the runtime lesson
 * is walked step by step on the real kernel: each step fails before, runs, passes after, and
 * "what changed" names it. verify --json then holds the table, read from the real processes;
 * reset --purge leaves no runc container, control group, mount or process.
 */
const walkRuntime = async (t: ExecutionContext, route: Route) => {
	// Names global to the host: the write-up's veth pair, and runc's container rootcamp.
	const hostFree = () => !runcList().includes('rootcamp') && spawnSync('ip', ['link', 'show', 'vethHost']).status !== 0 && spawnSync('ip', ['link', 'show', 'vethCont']).status !== 0;
	await waitFor(hostFree, {timeout: 10 * 60_000, describe: () => 'another workshop on this host still holds vethHost, vethCont or the runc container rootcamp'});
	const othersBefore = residue();
	const area = scratch(`runtime-${route}`);
	t.teardown(() => {
		rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
		spawnSync('runc', ['delete', '--force', 'rootcamp']);
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
	t.truthy(container, 'the write-up left its container');
	const before = status(container!.pid);
	let tableBeforeCaps: RuntimeRow[] | undefined;
	await walkSteps(t, engine, engine.course.lessons.filter(lesson => lesson.id === 'runtime'), {changeNamed, route, async afterStep(ref) {
		const probes = engine.probes();
		t.is((await probes.container())?.pid, container!.pid, `${stepKey(ref)}: the container is still the write-up's shell`);
		if (stepKey(ref) === 'runtime/run') {
			t.deepEqual(runcList(), ['rootcamp'], 'runc list shows the lesson\'s container');
			t.is(await probes.jail(), null, 'runc\'s container is never taken for the jail');
		}

		if (stepKey(ref) === 'runtime/compare') {
			tableBeforeCaps = (await engine.verify({lesson: 'runtime'})).runtime?.rows;
			const report = await engine.verifyStep(ref);
			t.truthy(report.checks.find(check => check.table), 'the compare step\'s check carries the table the app shows');
		}
	}});

	const verify = rootcamp(['verify', '--json', '--rootfs', area.rootfs], area.env);
	const report = JSON.parse(verify.stdout) as {lessons: Array<{id: string; steps: Array<{id: string; status: string; message: string}>}>; runtime?: {you: {pid: number}; runc: {id: string; pid: number}; rows: RuntimeRow[]}};
	const failures = report.lessons.filter(lesson => [...writeUp, 'runtime'].includes(lesson.id)).flatMap(lesson => lesson.steps.filter(step => step.status === 'fail').map(step => `${lesson.id}/${step.id}: ${step.message}`));
	t.deepEqual(failures, [], 'verify passes the write-up\'s lessons and the runtime lesson');
	const {runtime} = report;
	t.truthy(runtime, 'verify --json has the runtime table');
	t.is(runtime!.you.pid, container!.pid);
	const runcPid = runtime!.runc.pid;
	const row = (rows: RuntimeRow[] | undefined, fact: string) => rows?.find(candidate => candidate.fact === fact);
	const runcStatus = status(runcPid);
	// The table says what the real processes' status files say.
	t.is(field(runcStatus, 'CapEff'), '0000000020000420', 'runc keeps three capabilities');
	t.is(row(runtime!.rows, 'CapEff')?.runc, '3: kill, net_bind_service, audit_write');
	t.not(field(before, 'CapEff'), field(runcStatus, 'CapEff'), 'before the caps step the shell had more capabilities than runc\'s');
	t.not(row(tableBeforeCaps, 'CapEff')?.you, row(tableBeforeCaps, 'CapEff')?.runc, 'the table before the caps step shows them differ');
	t.is(field(status(container!.pid), 'CapBnd'), field(runcStatus, 'CapBnd'), 'after it the bounding sets match');
	t.is(row(runtime!.rows, 'CapBnd')?.you, row(runtime!.rows, 'CapBnd')?.runc);
	t.is(row(runtime!.rows, 'NoNewPrivs')?.you, '1 (set)');
	t.is(row(runtime!.rows, 'ipc namespace')?.you, 'own');
	t.is(row(tableBeforeCaps, 'ipc namespace')?.you, 'shared with the host', 'the compare step saw the shared IPC namespace');
	t.is(row(runtime!.rows, '/proc/sys')?.you, 'read-only');
	t.is(row(runtime!.rows, 'masked /proc paths')?.you, row(runtime!.rows, 'masked /proc paths')?.runc, 'the same paths are masked in both');
	t.is(row(runtime!.rows, '/sys')?.runc, 'sysfs, read-only');

	const reset = rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
	t.is(reset.status, 0, reset.stderr);
	t.log(reset.stdout);
	t.regex(reset.stdout, /delete the runc container rootcamp/);
	t.notRegex(reset.stdout, /^left: /m, 'reset leaves nothing for the learner to clean up');
	t.deepEqual(runcList(), [], 'runc list is empty');
	t.deepEqual(runcGroups(), [], 'runc\'s control groups are gone');
	t.false(existsSync(`${area.paths.cache}/runc`), 'reset removes the bundle');
	t.false(existsSync(area.rootfs), 'reset --purge removes the rootfs');
	assertNothingLeft(t, othersBefore, area.dir);
};

test.serial('the runtime lesson after the write-up, on a busybox rootfs', async t => {
	if (!requirePrivileges(t, cannotRun('busybox'))) {
		return;
	}

	await walkRuntime(t, 'busybox');
});

test.serial('the runtime lesson after the write-up, on a debootstrap rootfs', async t => {
	if (!requirePrivileges(t, cannotRun('debootstrap'))) {
		return;
	}

	await walkRuntime(t, 'debootstrap');
});
