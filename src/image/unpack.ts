import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmdirSync, rmSync, statSync} from 'node:fs';
import {basename, dirname, join, resolve} from 'node:path';
import {openImage, type Image} from './image.ts';
import {ImageError} from './image-error.ts';
import {LayerPlanner, type PlanMode} from './plan.ts';
import {readLayer} from './read-layer.ts';
import {TreeWriter} from './write-tree.ts';

export type UnpackOptions = {
	/** `merge` (one tree, the default) or `overlay` (each layer in DIR/1, DIR/2, … as overlayfs reads them). */
	mode?: PlanMode;
	/** Told before each layer is read. */
	onLayer?: (position: number, total: number, what: string) => void;
};

/** The target may be new, or an empty directory (the one a learner made for it); never anything else. */
const checkTarget = (target: string) => {
	if (!existsSync(target)) {
		return;
	}

	if (!statSync(target).isDirectory() || readdirSync(target).length > 0) {
		throw new ImageError(`${target} already exists and is not an empty directory: rootcamp unpacks an image only into a new one`);
	}
};

/** Reads every layer through the planner into the writer(s); `writerFor` gives each layer's. */
const applyLayers = async (image: Image, planner: LayerPlanner, writerFor: (position: number) => TreeWriter, options: UnpackOptions) => {
	const writers = new Set<TreeWriter>();
	for (const [index, layer] of image.layers.entries()) {
		options.onLayer?.(index + 1, image.layers.length, layer.what);
		planner.beginLayer();
		const writer = writerFor(index + 1);
		writers.add(writer);
		try {
			await readLayer(() => image.source.stream(layer.name), layer, {
				entry(entry) {
					for (const op of planner.plan(entry)) {
						writer.apply(op);
					}
				},
				data(chunk) {
					writer.data(chunk);
				},
				end() {
					writer.endEntry();
				},
			});
		} finally {
			writer.abandon();
		}
	}

	// Directory times once every layer is in: a later layer's entries would change them again.
	for (const writer of writers) {
		writer.finish();
	}
};

/**
 * Unpacks an image (a docker-save archive or an OCI layout, `PATH[:TAG]`) into `target`: built in
 * a temporary directory beside it and renamed into place only once every layer has been read,
 * checked and applied, so a refused image (a digest that does not match, a truncated layer, a
 * path that escapes) leaves nothing behind, not even on Ctrl-C.
 */
export const unpackImage = async (imageArgument: string, targetArgument: string, options: UnpackOptions = {}): Promise<Image> => {
	const target = resolve(targetArgument);
	checkTarget(target);
	const image = openImage(imageArgument);
	if (image.layers.length === 0) {
		throw new ImageError(`${image.path} has no layers`);
	}

	mkdirSync(dirname(target), {recursive: true});
	const temporary = mkdtempSync(join(dirname(target), `.${basename(target)}.rootcamp-`));
	// mkdtemp makes it 0700; a tree's top is 0755 unless a layer's "." entry says otherwise.
	chmodSync(temporary, 0o755);
	const removeTemporary = () => {
		rmSync(temporary, {recursive: true, force: true});
	};

	const interrupted = (signal: NodeJS.Signals) => {
		removeTemporary();
		process.kill(process.pid, signal);
	};

	process.once('SIGINT', interrupted);
	process.once('SIGTERM', interrupted);
	try {
		const mode = options.mode ?? 'merge';
		const planner = new LayerPlanner(mode);
		const merged = new TreeWriter(temporary);
		await applyLayers(image, planner, position => {
			if (mode === 'merge') {
				return merged;
			}

			const layerDir = join(temporary, String(position));
			mkdirSync(layerDir, {mode: 0o755});
			return new TreeWriter(layerDir);
		}, options);
		if (existsSync(target)) {
			rmdirSync(target);
		}

		renameSync(temporary, target);
		return image;
	} catch (error) {
		removeTemporary();
		throw error;
	} finally {
		process.removeListener('SIGINT', interrupted);
		process.removeListener('SIGTERM', interrupted);
	}
};
