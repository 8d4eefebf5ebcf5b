// The bench's unpack rounds, run in a process of their own: scripts/bench.ts bundles this file
// as scripts/build.js bundles the CLI and starts it with the CLI's own V8 flag, so the step runs
// as the shipped rootcamp runs it (no TypeScript loader, a process the size of `rootcamp solve`).
// Usage: node bench-unpack.mjs AREA RUNS LESSONS, where AREA/cache/rootcamp/ubuntu_root.tar exists.
// Prints {base, ours}: milliseconds per run, in pairs.
import {spawnSync} from 'node:child_process';
import {mkdirSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {reset} from '../src/workshop/reset.ts';
import {openWorkshop} from '../src/workshop/workshop.ts';

const [area, runsText, lessonsDir] = process.argv.slice(2);
if (area === undefined || runsText === undefined || lessonsDir === undefined) {
	throw new Error('usage: bench-unpack AREA RUNS LESSONS');
}

const paths = {state: join(area, 'state/rootcamp'), cache: join(area, 'cache/rootcamp'), run: join(area, 'state/rootcamp/run')};
const rootfs = join(area, 'rootfs');
const tarball = join(paths.cache, 'ubuntu_root.tar');
const plainTarget = join(area, 'plain');
const engine = await openWorkshop({lessonsDir, rootfs, route: 'busybox', paths});
const base: number[] = [];
const ours: number[] = [];
try {
	for (let index = 0; index < Number(runsText); index++) {
		// Both start from the same state, the previous copy deleted; the order alternates against drift.
		rmSync(plainTarget, {recursive: true, force: true});
		mkdirSync(plainTarget);
		// No container lives in this rootfs (nothing here starts one), so removing it is safe.
		rmSync(rootfs, {recursive: true, force: true});
		const plain = () => {
			const start = performance.now();
			spawnSync('tar', ['-xf', tarball, '-C', plainTarget]);
			base.push(performance.now() - start);
		};

		const step = async () => {
			const start = performance.now();
			await engine.runStep({lesson: 'copy', step: 'unpack'});
			ours.push(performance.now() - start);
		};

		if (index % 2 === 0) {
			plain();
			await step();
		} else {
			await step();
			plain();
		}
	}
} finally {
	await reset(engine, true);
}

console.log(JSON.stringify({base, ours}));
