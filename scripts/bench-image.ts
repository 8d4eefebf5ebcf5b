// The image import's benchmark: `rootcamp image unpack` of a 2-layer image of about 150 MiB
// against plain `tar -xf` of the same layer blobs, one after the other, as paired runs on a tmpfs.
// The image is built once with umoci from files of this host's /usr and kept for later runs.
import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, readFileSync, rmSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {performance} from 'node:perf_hooks';

const repo = resolve(import.meta.dirname, '..');
const cli = join(repo, 'dist/cli.js');
/** Kept between runs (building takes seconds): a new recipe gets a new name. */
const cache = '/var/tmp/rootcamp-bench-image-v1';

const sh = (script: string) => execFileSync('bash', ['-euo', 'pipefail', '-c', script], {stdio: ['ignore', 'ignore', 'inherit']});

/**
 * Layer 1: the host's /usr/share/doc, perl modules and time zones (about 130 MiB, thousands of
 * small files); layer 2: its locales' sources and gconv modules, and whiteouts for one time zone
 * folder. umoci repack writes gzip layers, as images usually have.
 */
const buildImage = (): string => {
	const layout = join(cache, 'oci');
	if (existsSync(join(layout, 'index.json'))) {
		return layout;
	}

	rmSync(cache, {recursive: true, force: true});
	mkdirSync(cache, {recursive: true});
	sh(`cd ${cache}
umoci init --layout oci
umoci new --image oci:bench
umoci unpack --image oci:bench bundle >/dev/null
mkdir -p bundle/rootfs/usr/share bundle/rootfs/usr/lib/x86_64-linux-gnu
for d in /usr/share/doc /usr/share/perl5 /usr/share/zoneinfo; do [ -d $d ] && cp -a $d bundle/rootfs/usr/share/; done
umoci repack --image oci:bench bundle >/dev/null
rm -rf bundle
umoci unpack --image oci:bench bundle >/dev/null
rm -rf bundle/rootfs/usr/share/zoneinfo/America
for d in /usr/share/i18n; do [ -d $d ] && cp -a $d bundle/rootfs/usr/share/; done
for d in /usr/lib/x86_64-linux-gnu/gconv /usr/lib/x86_64-linux-gnu/perl-base; do [ -d $d ] && cp -a $d bundle/rootfs/usr/lib/x86_64-linux-gnu/; done
umoci repack --image oci:bench bundle >/dev/null
rm -rf bundle`);
	return layout;
};

/** The layout's layer blobs, lowest first. */
const layerBlobs = (layout: string): string[] => {
	const blob = (digest: string) => join(layout, 'blobs/sha256', digest.slice('sha256:'.length));
	const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {manifests: Array<{digest: string}>};
	const manifest = JSON.parse(readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as {layers: Array<{digest: string}>};
	return manifest.layers.map(layer => blob(layer.digest));
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const timed = (action: () => void) => {
	const start = performance.now();
	action();
	return performance.now() - start;
};

const mustSucceed = (result: ReturnType<typeof spawnSync>, what: string) => {
	if (result.status !== 0) {
		throw new Error(`${what} failed: ${String(result.stderr)}`);
	}
};

/**
 * Prints one line in scripts/bench.ts's format: the median of paired ratios (each pair back to
 * back, so a slow spell of the VM hits both sides alike), rootcamp's whole command (its start,
 * reading, digests, gunzip, planning, writing, rename) against tar alone. `dir` is the bench's
 * scratch folder; a tmpfs is mounted in it for the trees and unmounted before returning.
 */
export async function benchImageImport(dir: string, runs: number): Promise<void> {
	const layout = buildImage();
	const blobs = layerBlobs(layout);
	const area = join(dir, 'image-import');
	mkdirSync(area);
	mustSucceed(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2g,mode=0700', 'rootcamp-bench-image', area], {encoding: 'utf8'}), 'mounting a tmpfs for the image rounds');
	try {
		const ratios: number[] = [];
		const ours: number[] = [];
		const base: number[] = [];
		const tarTree = join(area, 'tar');
		const ourTree = join(area, 'rootcamp');
		for (let index = 0; index < Math.max(3, Math.min(runs, 9)); index++) {
			rmSync(tarTree, {recursive: true, force: true});
			rmSync(ourTree, {recursive: true, force: true});
			mkdirSync(tarTree);
			const tarTime = timed(() => {
				for (const blob of blobs) {
					mustSucceed(spawnSync('tar', ['-xf', blob, '-C', tarTree], {encoding: 'utf8'}), `tar -xf ${blob}`);
				}
			});
			const ourTime = timed(() => {
				mustSucceed(spawnSync(cli, ['image', 'unpack', layout, ourTree], {encoding: 'utf8'}), 'rootcamp image unpack');
			});
			base.push(tarTime);
			ours.push(ourTime);
			ratios.push(ourTime / tarTime);
		}

		const mebibytes = Number(execFileSync('du', ['-sm', ourTree], {encoding: 'utf8'}).split('\t')[0]);
		const ratio = median(ratios);
		const ok = ratio <= 1.3;
		const value = `${ratio.toFixed(2)}x (${median(ours).toFixed(0)} / ${median(base).toFixed(0)} ms, ${blobs.length} layers, ${mebibytes} MiB)`;
		console.log(`${ok ? 'ok  ' : 'MISS'} ${'image unpack vs tar -xf, on tmpfs'.padEnd(34)} ${value.padEnd(34)} target ≤ 1.3x`);
	} finally {
		// Never left mounted: the bench deletes its folder afterwards.
		mustSucceed(spawnSync('umount', [area], {encoding: 'utf8'}), `unmounting ${area}`);
	}
}
