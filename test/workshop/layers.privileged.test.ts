import {spawnSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {basename, join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {parseMountinfo} from '../../src/host/proc/mountinfo.ts';
import {overlayLayers} from '../../src/host/proc/overlay.ts';
import {treeFingerprint} from '../../src/host/rootfs/tree.ts';
import type {Route} from '../../src/lesson/types.ts';
import {stepKey} from '../../src/workshop/progress.ts';
import {openWorkshop} from '../../src/workshop/workshop.ts';
import {assertNothingLeft, cli, requirePrivileges, residue, scratch} from '../helpers/privileged.ts';
import {seedDebootstrap} from '../helpers/debootstrap-seed.ts';
import {walkSteps} from '../helpers/walk-steps.ts';
import {buildTwoLayerImage} from '../image/build-image.ts';
import {listTree} from '../image/tree-listing.ts';

/**
 * What "what changed" must name after each step of the layers lesson, for a stack of `top` layers:
 * the tarball and the lesson's layer (2), or an image's layers and the lesson's on top.
 */
const changeNamed = (top: number): Record<string, RegExp> => {
	const names = Array.from({length: top}, (_, index) => `layer ${top - index}`);
	const stack = names.join(' over ');
	const inWords = (words: string[]) => (words.length === 2 ? words.join(' and ') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)!}`);
	const unchanged = inWords(names);
	const kept = inWords(names.map(name => name.slice('layer '.length)).toReversed());
	return {
		'layers/layers': new RegExp(`(?=[\\s\\S]*\\+ layers ${kept} kept apart in \\S+/layers, a directory each)[\\s\\S]*\\+ \\S+/layers/${top}/etc/motd \\(Built in layer ${top}\\)`),
		'layers/overlay': new RegExp(`\\+ overlay mounted on \\S+/layers/merged: ${stack} \\(top first\\), writes go to \\S+/layers/upper`),
		'layers/start': /\+ layered shell started: pid \d+, its \/ the overlay on \S+\/layers\/merged, with its own pid, mnt, uts, ipc namespaces/,
		'layers/write': new RegExp(`\\+ upper/etc/motd: copied up from layer ${top}, then changed \\(${unchanged} unchanged\\)[\\s\\S]*\\+ upper/root/hello: written by the container, into its upper directory only`),
		'layers/delete': new RegExp(`\\+ whiteout upper/etc/resolv\\.conf \\(a character device 0:0\\): /etc/resolv\\.conf is deleted for this container only \\(${unchanged} unchanged\\)`),
		'layers/second': new RegExp(`\\+ overlay mounted on \\S+/layers/merged2: ${stack} \\(top first\\), writes go to \\S+/layers/upper2`),
	};
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
/** The image route's image (built in the test's scratch folder), its number of layers, and what the test looks at in them. */
type ImageWalk = {path: string; layers: number; onLayers: (layers: string) => void; onMerged: (merged: string, merged2: string) => void};

const walkLayers = async (t: ExecutionContext, route: Route, buildImage?: (dir: string) => ImageWalk) => {
	const othersBefore = residue();
	const area = scratch(`layers-${route}`);
	const image = buildImage?.(area.dir);
	t.teardown(() => {
		rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
		area.remove();
	});
	if (route === 'debootstrap') {
		await seedDebootstrap(area.paths.cache);
	}

	const copy = rootcamp(['solve', 'copy', '--yes', ...(image ? ['--image', image.path] : ['--route', route]), '--rootfs', area.rootfs], area.env);
	t.is(copy.status, 0, `solve copy:\n${copy.stdout}${copy.stderr}`);
	const engine = await openWorkshop({rootfs: area.rootfs, route, paths: area.paths, ...(image ? {image: image.path} : {})});
	const layers = join(area.paths.cache, 'layers');
	// The lesson's own layer goes on top of the image's layers, or of the tarball's one.
	const top = (image?.layers ?? 1) + 1;
	const stack = Array.from({length: top}, (_, index) => join(layers, String(top - index)));
	const prints = new Map<string, string | null>();
	let shellPid: number | undefined;
	await walkSteps(t, engine, engine.course.lessons.filter(lesson => lesson.id === 'layers'), {changeNamed: changeNamed(top), everyStepNamed: true, route, async afterStep(ref) {
		const key = stepKey(ref);
		if (key === 'layers/layers') {
			t.deepEqual(readdirSync(layers).sort(), stack.map(dir => basename(dir)).sort(), 'a directory per layer, and nothing else yet');
			for (const dir of stack) {
				prints.set(dir, treeFingerprint(dir));
			}

			image?.onLayers(layers);
		}

		if (key === 'layers/start') {
			shellPid = (await engine.probes().layered())?.pid;
			t.truthy(shellPid, 'the layered shell is found');
			t.is(spawnSync('readlink', [`/proc/${shellPid}/root`], {encoding: 'utf8'}).stdout.trim(), join(layers, 'merged'));
			const root = parseMountinfo(readFileSync(`/proc/${shellPid}/mountinfo`, 'utf8')).findLast(mount => mount.target === '/');
			t.deepEqual(overlayLayers(root!)?.lower, stack, `its / is the overlay, layer ${top} on top, then every layer down to 1`);
			t.is((await engine.probes().container()), null, 'the layered shell is never taken for the write-up\'s container');
		}

		if (key === 'layers/delete') {
			t.true(existsSync(join(layers, '1/etc/resolv.conf')), 'layer 1 still holds the deleted file');
			t.is(spawnSync('stat', ['-c', '%F %t:%T', join(layers, 'upper/etc/resolv.conf')], {encoding: 'utf8'}).stdout.trim(), 'character special file 0:0');
		}
	}});

	for (const dir of stack) {
		t.is(treeFingerprint(dir), prints.get(dir) ?? 'unread', `no step wrote to layer ${basename(dir)}`);
	}

	t.is(readFileSync(join(layers, `${top}/etc/motd`), 'utf8'), `Built in layer ${top}\n`);
	t.is(readFileSync(join(layers, 'merged/etc/motd'), 'utf8'), `Built in layer ${top}\nchanged in the container\n`, 'the first container sees its change');
	t.is(readFileSync(join(layers, 'merged2/etc/motd'), 'utf8'), `Built in layer ${top}\n`, 'the second sees the layer');
	t.deepEqual(overlaysUnder(layers).map(mount => mount.target).sort(), [join(layers, 'merged'), join(layers, 'merged2')]);
	image?.onMerged(join(layers, 'merged'), join(layers, 'merged2'));

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

test.serial('the layers lesson on the image route: the image\'s own two layers, kept apart, under the lesson\'s', async t => {
	const missing = ['umoci', 'busybox'].filter(tool => !hostHas(tool));
	if (!requirePrivileges(t, missing.length > 0 ? `${missing.join(', ')} missing (apt-get install umoci busybox-static)` : undefined)) {
		return;
	}

	let reference = '';
	await walkLayers(t, 'image', dir => {
		const built = buildTwoLayerImage(dir);
		reference = built.reference;
		return {
			path: built.layout,
			layers: 2,
			onLayers(layers) {
				// Docker's overlay2 form: layer 2's .wh.remove-me is a whiteout device; layer 1 keeps the file.
				t.like(listTree(join(layers, '2')).find(entry => entry.path === 'etc/remove-me'), {type: 'char', rdev: 0});
				t.is(readFileSync(join(layers, '1/etc/remove-me'), 'utf8'), 'deleted by layer 2\n');
				t.false(existsSync(join(layers, '1/etc/added')), 'layer 1 has only its own files');
			},
			onMerged(merged, merged2) {
				for (const root of [merged, merged2]) {
					t.false(existsSync(join(root, 'etc/remove-me')), `the file layer 2 deleted stays deleted in ${root}`);
					t.is(readFileSync(join(root, 'etc/added'), 'utf8'), 'added by layer 2\n');
				}

				// The second container's root, which nothing wrote to, is the image as umoci unpacks it plus the lesson's layer.
				t.deepEqual(listTree(merged2).filter(entry => entry.path !== 'etc/motd'), listTree(reference));
			},
		};
	});
});
