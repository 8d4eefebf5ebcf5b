import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, renameSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {openWorkshop} from '../../src/workshop/workshop.ts';

/**
 * One debootstrap per test run instead of one per test: the lessons after the write-up's copy
 * step test their own steps, and that step's `[ -d {{source}}/usr ] || debootstrap …` takes a
 * source tree that is already there, as a learner's second run does. The seed is made by the copy
 * step's own debootstrap line (read from the lesson, filled for the seed's folder), kept beside
 * ava's process and removed when that process ends, however it ends. The whole-course test does
 * not seed: it keeps the real walk, debootstrap included.
 */
const seed = `/var/tmp/rootcamp-test-seed-${process.ppid}`;
const tree = join(seed, 'source-debootstrap');

const makeSeed = async () => {
	const building = `${seed}.${process.pid}`;
	rmSync(building, {recursive: true, force: true});
	mkdirSync(building, {recursive: true});
	const engine = await openWorkshop({rootfs: join(building, 'rootfs'), route: 'debootstrap', paths: {state: join(building, 'state'), cache: building, run: join(building, 'run')}});
	const commands = engine.commandsFor({lesson: 'copy', step: 'export'}, await engine.variables());
	const line = commands.flatMap(command => command.text.split('\n')).find(text => text.includes('debootstrap '));
	if (!line) {
		throw new Error('the copy lesson has no debootstrap line to seed from');
	}

	const made = spawnSync('sh', ['-e', '-c', line], {encoding: 'utf8'});
	if (made.status !== 0 || !existsSync(join(building, 'source-debootstrap/usr'))) {
		rmSync(building, {recursive: true, force: true});
		throw new Error(`seeding debootstrap failed: ${made.stderr.slice(-2000)}`);
	}

	rmSync(seed, {recursive: true, force: true});
	renameSync(building, seed);
	// Gone once ava's process is: a watcher of our own, which ends with it.
	spawn('sh', ['-c', `while kill -0 ${process.ppid} 2>/dev/null; do sleep 2; done; rm -rf ${seed}`], {detached: true, stdio: 'ignore'}).unref();
};

/** Copies the run's debootstrap tree into a scratch area's cache, making it first if this run has none. */
export const seedDebootstrap = async (cache: string) => {
	if (!existsSync(join(tree, 'usr'))) {
		await makeSeed();
	}

	mkdirSync(cache, {recursive: true});
	const copied = spawnSync('cp', ['-a', tree, join(cache, 'source-debootstrap')], {encoding: 'utf8'});
	if (copied.status !== 0) {
		throw new Error(`copying the debootstrap seed failed: ${copied.stderr}`);
	}
};
