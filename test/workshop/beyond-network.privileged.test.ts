import {spawnSync} from 'node:child_process';
import {existsSync, readdirSync, readlinkSync} from 'node:fs';
import {hostname} from 'node:os';
import test, {type ExecutionContext} from 'ava';
import type {Route} from '../../src/lesson/types.ts';
import {openWorkshop} from '../../src/workshop/workshop.ts';
import {assertNothingLeft, cli, requirePrivileges, residue, scratch} from '../helpers/privileged.ts';
import {seedDebootstrap} from '../helpers/debootstrap-seed.ts';
import {waitFor} from '../helpers/wait-for.ts';
import {walkSteps} from '../helpers/walk-steps.ts';

/** The write-up's lessons, which `solve` runs first, and the three this test walks after them. */
const writeUp = ['copy', 'enter', 'network-basic', 'network-advanced'];
const beyond = ['wire', 'hostname', 'dev'];

/** What "what changed" must name after each step. */
const changeNamed: Record<string, RegExp> = {
	'wire/addr-host': /vethHost: address \S+\/30 added\n\+ route to \S+\/30 dev vethHost on the host \(added by the kernel/,
	'wire/addr-container': /vethCont: address \S+\/30 added\n\+ route to \S+\/30 dev vethCont in the container/,
	'wire/lo': /lo: DOWN → UP\n\+ lo: address 127\.0\.0\.1\/8/,
	'wire/ping': /the host learned \S+'s MAC address on vethHost \(ARP\)[\s\S]*the container learned \S+'s MAC address on vethCont \(ARP\)/,
	'wire/route': /\+ default route via \S+ dev vethCont in the container/,
	'hostname/uts': /the container's shell \(pid \d+, same process\) now has its own uts namespace/,
	'hostname/sethostname': /the container's hostname: \S+ → rootcamp \(the host is still /,
	'dev/tmpfs': /\+ tmpfs mounted on \/dev \(container only; host mounts unchanged\)/,
	'dev/nodes': /\+ \/dev\/null: character device 1:3, mode 0666 \(on the container's tmpfs, not on disk\)/,
	'dev/pts': /\+ devpts mounted on \/dev\/pts \(container only[\s\S]*\/dev\/ptmx: symlink → pts\/ptmx/,
};

const rootcamp = (args: string[], env: NodeJS.ProcessEnv) =>
	spawnSync(process.execPath, [cli, ...args], {env, encoding: 'utf8', timeout: 10 * 60_000});

const hostHas = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** Veth names are global to the host: another workshop holding the pair's names must finish first. */
const pairFree = () => spawnSync('ip', ['link', 'show', 'vethHost'], {encoding: 'utf8'}).status !== 0
	&& spawnSync('ip', ['link', 'show', 'vethCont'], {encoding: 'utf8'}).status !== 0;

/** The processes whose root lies in `dir` (a test's scratch area). */
const rootedUnder = (dir: string): number[] => readdirSync('/proc').filter(name => /^\d+$/.test(name)).flatMap(name => {
	try {
		return readlinkSync(`/proc/${name}/root`).startsWith(`${dir}/`) ? [Number(name)] : [];
	} catch {
		return [];
	}
});

/** SIGKILL for each: a PID namespace's init ignores what it has no handler for. Its veth pair dies with it. */
const endShellsUnder = async (dir: string) => {
	for (const pid of rootedUnder(dir)) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {}
	}

	await waitFor(() => rootedUnder(dir).length === 0, {timeout: 5000});
};

/**
 * As a learner would: `rootcamp solve` runs the write-up's four lessons, then the lessons beyond it
 * are walked step by step on the real kernel. Each step's check fails before, `runStep` runs the
 * reference commands, the check passes after, and "what changed" names the change. The final
 * verify passes everything up to these lessons (the write-up's `network-advanced` included: the
 * steps must not replace its shell), the host keeps its name, and reset leaves nothing behind.
 */
const walkBeyond = async (t: ExecutionContext, route: Route) => {
	await waitFor(pairFree, {timeout: 3 * 60_000, describe: () => 'another workshop on this host still holds the names vethHost and vethCont'});
	// Another workshop on this host (a second terminal, a test run beside this one) is not ours to judge.
	const othersBefore = residue();
	const area = scratch(`beyond-${route}`);
	t.teardown(async () => {
		const reset = rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
		if (reset.status !== 0) {
			// reset refused (lessons that do not lint, say): end this test's shells by hand, never anyone else's.
			await endShellsUnder(area.dir);
		}

		area.remove();
	});
	if (route === 'debootstrap') {
		await seedDebootstrap(area.paths.cache);
	}

	const hostName = hostname();
	for (const lesson of writeUp) {
		const solve = rootcamp(['solve', lesson, '--yes', '--route', route, '--rootfs', area.rootfs], area.env);
		t.is(solve.status, 0, `solve ${lesson}:\n${solve.stdout}${solve.stderr}`);
	}

	const engine = await openWorkshop({rootfs: area.rootfs, route, paths: area.paths});
	const solved = await engine.verify();
	const unsolved = solved.lessons.filter(lesson => writeUp.includes(lesson.id)).flatMap(lesson => lesson.steps.filter(step => step.status === 'fail').map(step => `${lesson.id}/${step.id}: ${step.message}`));
	t.deepEqual(unsolved, [], 'solve did all four lessons of the write-up');

	await walkSteps(t, engine, engine.course.lessons.filter(lesson => beyond.includes(lesson.id)), {changeNamed, everyStepNamed: true, route});

	const verify = rootcamp(['verify', '--json', '--rootfs', area.rootfs], area.env);
	const report = JSON.parse(verify.stdout) as {lessons: Array<{id: string; steps: Array<{id: string; status: string; message: string}>}>};
	const upToHere = report.lessons.filter(lesson => [...writeUp, ...beyond].includes(lesson.id));
	t.deepEqual(upToHere.map(lesson => lesson.id), [...writeUp, ...beyond]);
	const failures = upToHere.flatMap(lesson => lesson.steps.filter(step => step.status === 'fail').map(step => `${lesson.id}/${step.id}: ${step.message}`));
	t.deepEqual(failures, [], 'verify passes every lesson up to dev, the write-up\'s included');
	t.is(hostname(), hostName, 'the host keeps its name');

	const reset = rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
	t.is(reset.status, 0, reset.stderr);
	t.false(existsSync(area.rootfs), 'reset --purge removes the rootfs rootcamp made');
	t.true(pairFree(), 'the veth pair, its addresses and routes are gone');
	assertNothingLeft(t, othersBefore, area.dir);
};

test.serial('wire, hostname and dev after the write-up, on a busybox rootfs', async t => {
	const missing = existsSync('/bin/busybox') ? (hostHas('ping') ? undefined : 'ping is not installed (apt-get install iputils-ping)') : 'busybox-static is not installed';
	if (!requirePrivileges(t, missing)) {
		return;
	}

	await walkBeyond(t, 'busybox');
});

test.serial('wire, hostname and dev after the write-up, on a debootstrap rootfs (iproute2 inside)', async t => {
	const missing = hostHas('debootstrap') ? (hostHas('ping') ? undefined : 'ping is not installed (apt-get install iputils-ping)') : 'debootstrap is not installed';
	if (!requirePrivileges(t, missing)) {
		return;
	}

	await walkBeyond(t, 'debootstrap');
});
