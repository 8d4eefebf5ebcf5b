import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import test, {type ExecutionContext} from 'ava';
import type {Route} from '../../src/lesson/types.ts';
import {openWorkshop} from '../../src/workshop/workshop.ts';
import {cli, requirePrivileges, residue, scratch} from '../helpers/privileged.ts';
import {walkSteps} from '../helpers/walk-steps.ts';

/** What "what changed" must name after each step that changes the host. */
const changeNamed: Record<string, RegExp> = {
	'copy/export': /ubuntu_root\.tar/,
	'copy/unpack': /rootfs/,
	'enter/chroot': /container started.*pid.*mnt/,
	'enter/proc': /proc mounted on \/proc \(container only/,
	'enter/tmp': /\/tmp.*1777/,
	'network-basic/resolv': /resolv\.conf/,
	'network-basic/apt-update': /apt lists/,
	'network-basic/apt-install': /iproute2/,
	'network-advanced/netns': /container started.*net/,
	'network-advanced/veth': /vethHost created/,
	'network-advanced/up': /vethHost.*UP/,
	'network-advanced/move': /vethCont moved: host → container/,
	'network-advanced/inside': /vethCont.*UP/,
};

const rootcamp = (args: string[], env: NodeJS.ProcessEnv) =>
	spawnSync(process.execPath, [cli, ...args], {env, encoding: 'utf8', timeout: 10 * 60_000});

/**
 * Walks the write-up's four lessons on the real kernel, step by step (`walkSteps`). Then the
 * CLI's verify agrees, and reset leaves nothing behind.
 */
const walkCourse = async (t: ExecutionContext, route: Route) => {
	const area = scratch(route);
	t.teardown(async () => {
		rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
		area.remove();
	});
	const engine = await openWorkshop({rootfs: area.rootfs, route, paths: area.paths});
	const passing = async () => (await engine.verify()).lessons.flatMap(lesson => lesson.steps.filter(step => step.status === 'pass').map(step => `${lesson.id}/${step.id}`));
	await walkSteps(t, engine, engine.course.lessons.filter(lesson => ['copy', 'enter', 'network-basic', 'network-advanced'].includes(lesson.id)), {changeNamed, route, async afterStep(ref) {
		// A fresh container on a freshly unpacked rootfs: every step of every lesson passes only by its own work.
		if (ref.lesson === 'enter' && ref.step === 'chroot') {
			t.deepEqual(await passing(), ['copy/export', 'copy/unpack', 'enter/chroot'], `on the ${route} route, with a fresh container, only the steps done pass`);
			// The rootfs's own /dev/null (debootstrap makes one) is not the nodes step's work: it asks for the tmpfs first.
			const nodes = await engine.verifyStep({lesson: 'dev', step: 'nodes'});
			t.regex(nodes.message, /^do "Mount a fresh tmpfs on \/dev" \(dev\/tmpfs\) first: /);
		}

		// The second container, as netns's reference commands leave it (its own pid, mnt and net, /proc
		// mounted again): what earlier steps wrote into the rootfs passes, and nothing of the next lessons.
		if (ref.lesson === 'network-advanced' && ref.step === 'netns') {
			const apt = route === 'busybox' ? [] : ['network-basic/apt-update', 'network-basic/apt-install'];
			t.deepEqual(await passing(), ['copy/export', 'copy/unpack', 'enter/chroot', 'enter/proc', 'enter/tmp', 'network-basic/resolv', ...apt, 'network-advanced/netns'], `on the ${route} route, with the second fresh container`);
		}
	}});

	// The write-up's four lessons only: the lessons beyond it are not done here, and fail until they are.
	const verify = rootcamp(['verify', '--json', '--rootfs', area.rootfs], area.env);
	const report = JSON.parse(verify.stdout) as {lessons: Array<{id: string; steps: Array<{id: string; status: string; message: string}>}>; container: {pid: number; namespaces: string[]}};
	const failures = report.lessons.filter(lesson => ['copy', 'enter', 'network-basic', 'network-advanced'].includes(lesson.id))
		.flatMap(lesson => lesson.steps.filter(step => step.status === 'fail').map(step => `${lesson.id}/${step.id}: ${step.message}`));
	t.deepEqual(failures, [], verify.stderr);
	t.true(report.container.namespaces.includes('net'));

	const reset = rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
	t.is(reset.status, 0, reset.stderr);
	t.false(existsSync(area.rootfs), 'reset --purge removes the rootfs rootcamp made');
	t.is(residue(), '', 'nothing is left on the host');
	const again = rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
	t.is(again.status, 0, 'reset is idempotent');
	t.regex(again.stdout, /nothing to undo/);
};

test.serial('the whole course on a busybox rootfs (offline), apt steps not applicable', async t => {
	if (!requirePrivileges(t, existsSync('/bin/busybox') ? undefined : 'busybox-static is not installed')) {
		return;
	}

	await walkCourse(t, 'busybox');
});

test.serial('the whole course on a debootstrap rootfs, apt steps included', async t => {
	if (!requirePrivileges(t, spawnSync('sh', ['-c', 'command -v debootstrap']).status === 0 ? undefined : 'debootstrap is not installed')) {
		return;
	}

	await walkCourse(t, 'debootstrap');
});
