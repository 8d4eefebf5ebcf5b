import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {parseMountinfo} from '../../src/host/proc/mountinfo.ts';
import {overlayLayers} from '../../src/host/proc/overlay.ts';
import {treeFingerprint} from '../../src/host/rootfs/tree.ts';
import type {Route} from '../../src/lesson/types.ts';
import {stepKey} from '../../src/workshop/progress.ts';
import {openWorkshop} from '../../src/workshop/workshop.ts';
import {assertNothingLeft, cli, requirePrivileges, residue, scratch} from '../helpers/privileged.ts';
import {walkSteps} from '../helpers/walk-steps.ts';

/** What "what changed" must name after each step of the layers lesson. */
const changeNamed: Record<string, RegExp> = {
	'layers/layers': /\+ \S+\/layers\/2\/etc\/motd \(Built in layer 2\)/,
	'layers/overlay': /\+ overlay mounted on \S+\/layers\/merged: layer 2 over layer 1 \(top first\), writes go to \S+\/layers\/upper/,
	'layers/start': /\+ layered shell started: pid \d+, its \/ the overlay on \S+\/layers\/merged, with its own pid, mnt, uts, ipc namespaces/,
	'layers/write': /\+ upper\/etc\/motd: copied up from layer 2, then changed \(layer 2 and layer 1 unchanged\)[\s\S]*\+ upper\/root\/hello: written by the container, into its upper directory only/,
	'layers/delete': /\+ whiteout upper\/etc\/resolv\.conf \(a character device 0:0\): \/etc\/resolv\.conf is deleted for this container only \(layer 2 and layer 1 unchanged\)/,
	'layers/second': /\+ overlay mounted on \S+\/layers\/merged2: layer 2 over layer 1 \(top first\), writes go to \S+\/layers\/upper2/,
};

const rootcamp = (args: string[], env: NodeJS.ProcessEnv) =>
	spawnSync(process.execPath, [cli, ...args], {env, encoding: 'utf8', timeout: 10 * 60_000});

const hostHas = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** The host's overlay mounts under a folder, read from rootcamp's own mount table. */
const overlaysUnder = (dir: string) => parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8')).filter(mount => mount.fstype === 'overlay' && mount.target.startsWith(dir));

/**
 * As a learner would: `solve copy` makes the tarball, then the layers lesson is walked step by
 * step on the real kernel (each check fails before, passes after, "what changed" names it). From
 * outside, rootcamp's claims are read again: the layered shell's `/` is the overlay, the layers
 * never change, the upper directory holds the write, the copy-up and the whiteout, a second
 * overlay sees none of it. Then reset leaves no mount, no shell and no folder.
 */
const walkLayers = async (t: ExecutionContext, route: Route) => {
	const othersBefore = residue();
	const area = scratch(`layers-${route}`);
	t.teardown(() => {
		rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
		area.remove();
	});
	const copy = rootcamp(['solve', 'copy', '--yes', '--route', route, '--rootfs', area.rootfs], area.env);
	t.is(copy.status, 0, `solve copy:\n${copy.stdout}${copy.stderr}`);
	const engine = await openWorkshop({rootfs: area.rootfs, route, paths: area.paths});
	const layers = join(area.paths.cache, 'layers');
	const prints: Record<string, string | null> = {};
	let shellPid: number | undefined;
	await walkSteps(t, engine, engine.course.lessons.filter(lesson => lesson.id === 'layers'), {changeNamed, everyStepNamed: true, route, async afterStep(ref) {
		const key = stepKey(ref);
		if (key === 'layers/layers') {
			prints.one = treeFingerprint(join(layers, '1'));
			prints.two = treeFingerprint(join(layers, '2'));
		}

		if (key === 'layers/start') {
			shellPid = (await engine.probes().layered())?.pid;
			t.truthy(shellPid, 'the layered shell is found');
			t.is(spawnSync('readlink', [`/proc/${shellPid}/root`], {encoding: 'utf8'}).stdout.trim(), join(layers, 'merged'));
			const root = parseMountinfo(readFileSync(`/proc/${shellPid}/mountinfo`, 'utf8')).findLast(mount => mount.target === '/');
			t.deepEqual(overlayLayers(root!)?.lower, [join(layers, '2'), join(layers, '1')], 'its / is the overlay, layer 2 on top');
			t.is((await engine.probes().container()), null, 'the layered shell is never taken for the write-up\'s container');
		}

		if (key === 'layers/delete') {
			t.true(existsSync(join(layers, '1/etc/resolv.conf')), 'layer 1 still holds the deleted file');
			t.is(spawnSync('stat', ['-c', '%F %t:%T', join(layers, 'upper/etc/resolv.conf')], {encoding: 'utf8'}).stdout.trim(), 'character special file 0:0');
		}
	}});

	t.is(treeFingerprint(join(layers, '1')), prints.one ?? 'unread', 'no step wrote to layer 1');
	t.is(treeFingerprint(join(layers, '2')), prints.two ?? 'unread', 'no step wrote to layer 2');
	t.is(readFileSync(join(layers, '2/etc/motd'), 'utf8'), 'Built in layer 2\n');
	t.is(readFileSync(join(layers, 'merged/etc/motd'), 'utf8'), 'Built in layer 2\nchanged in the container\n', 'the first container sees its change');
	t.is(readFileSync(join(layers, 'merged2/etc/motd'), 'utf8'), 'Built in layer 2\n', 'the second sees the layer');
	t.deepEqual(overlaysUnder(layers).map(mount => mount.target).sort(), [join(layers, 'merged'), join(layers, 'merged2')]);

	const verify = rootcamp(['verify', 'layers', '--json', '--rootfs', area.rootfs], area.env);
	const report = JSON.parse(verify.stdout) as {lessons: Array<{id: string; steps: Array<{id: string; status: string}>}>};
	t.deepEqual(report.lessons.flatMap(lesson => lesson.steps.map(step => `${step.id}:${step.status}`)), ['layers:pass', 'overlay:pass', 'start:pass', 'write:pass', 'delete:pass', 'second:pass']);
	t.is(verify.status, 0);

	const reset = rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
	t.is(reset.status, 0, reset.stderr);
	t.log(reset.stdout);
	t.notRegex(reset.stdout, /^left: /m, 'reset leaves nothing for the learner to clean up');
	t.deepEqual(overlaysUnder(area.dir), [], 'no overlay is left mounted');
	t.false(existsSync(layers), 'the layers folder is gone');
	t.false(existsSync(`/proc/${shellPid}`) && !/^State:\s+Z/m.test(readFileSync(`/proc/${shellPid}/status`, 'utf8')), 'the layered shell is gone');
	assertNothingLeft(t, othersBefore, area.dir);
};

test.serial('the layers lesson on a busybox rootfs', async t => {
	if (!requirePrivileges(t, existsSync('/bin/busybox') ? undefined : 'busybox-static is not installed')) {
		return;
	}

	await walkLayers(t, 'busybox');
});

test.serial('the layers lesson on a debootstrap rootfs', async t => {
	if (!requirePrivileges(t, hostHas('debootstrap') ? undefined : 'debootstrap is not installed')) {
		return;
	}

	await walkLayers(t, 'debootstrap');
});
