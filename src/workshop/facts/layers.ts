import {existsSync, lstatSync, readdirSync} from 'node:fs';
import {dirname, relative} from 'node:path';
import {overlayLayers, overlaySupport} from '../../host/proc/overlay.ts';
import {pathsFingerprint, walkTree} from '../../host/rootfs/tree.ts';
import type {Change, Snapshot} from '../api.ts';
import type {JournalEntry} from '../journal.ts';
import type {LayersSnapshot} from '../layers-snapshot.ts';
import {sameProcess, type Fact} from './fact.ts';

/** The overlays of the layers lesson, the layered shell on them, and where its writes land. */
export const layersFact: Fact = {
	name: 'layers',
	async read({probes, watch, watchedPaths}) {
		if (!watch.shells.includes('layered') || probes.layeredRoot === undefined) {
			return {};
		}

		const dir = dirname(probes.layeredRoot);
		const [shell, mounts] = await Promise.all([probes.layered().catch(() => null), probes.hostMounts()]);
		const overlays = mounts.flatMap(mount => {
			const layers = under(mount.target, dir) ? overlayLayers(mount) : undefined;
			return layers === undefined ? [] : [{target: mount.target, ...layers}];
		});
		// An upper directory holds only what containers changed: small, read whole. A lower layer can
		// be a whole distribution: only the paths the lessons' checks watch in it are stamped, which
		// are the files the lesson writes over and deletes (the test walks the whole layers from outside).
		const uppers = Object.fromEntries(overlays.flatMap(overlay => (overlay.upper ? [[overlay.upper, walkTree(overlay.upper) ?? []]] : [])));
		const lowers = Object.fromEntries([...new Set(overlays.flatMap(overlay => overlay.lower))].map(lower => [lower, pathsFingerprint(lower, watchedPaths.filter(path => under(path, lower)))]));
		return {layers: {dir, exists: existsSync(dir), layerDirs: layerDirsIn(dir), shell, overlays, uppers, lowers}};
	},
	changes: (before, after) => layersChanges(before.layers, after.layers),
	/** Overlays mounted on the host, and the layers' folder once it appears: reset unmounts them, then deletes it. */
	journal(before, after) {
		const was = before.layers;
		const is = after.layers;
		if (was === undefined || is === undefined) {
			return [];
		}

		const mounted = is.overlays.filter(overlay => !was.overlays.some(old => old.target === overlay.target)).map(overlay => ({kind: 'mount', target: overlay.target} as const));
		return [...(is.exists && !was.exists ? [{kind: 'tree', path: is.dir, what: 'the layers lesson\'s layers, upper and work directories'} as const] : []), ...mounted] satisfies JournalEntry[];
	},
	doctor() {
		const support = overlaySupport();
		return [support === 'missing'
			? {name: 'overlayfs', ok: false, detail: 'this kernel lists no overlay filesystem and has no overlay module', fix: 'modprobe overlay, or a kernel with CONFIG_OVERLAY_FS, for the layers lesson'}
			: {name: 'overlayfs', ok: true, detail: support === 'loaded' ? 'the kernel mounts overlays (the layers lesson)' : 'overlay is a module, which mount loads (the layers lesson)'}];
	},
	async leftovers({probes, watch, journal}) {
		const shell = watch.shells.includes('layered') ? await probes.layered() : null;
		const ours = journal.some(entry => entry.kind === 'shell' && entry.name === 'layered' && entry.pid === shell?.pid);
		return shell && !ours ? [`a shell rootcamp did not start still runs on the overlay (pid ${shell.pid}): type exit in its terminal, or kill -9 ${shell.pid}`] : [];
	},
};

/** The numbered directories in the layers' folder, lowest first (none while it does not exist). */
const layerDirsIn = (dir: string): string[] => {
	try {
		return readdirSync(dir, {withFileTypes: true}).filter(entry => entry.isDirectory() && /^[1-9]\d*$/.test(entry.name)).map(entry => entry.name).sort((a, b) => Number(a) - Number(b));
	} catch {
		return [];
	}
};

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/**
 * The lower layer whose copy of a path the overlay shows: the first, top down, that has it, unless
 * that is a whiteout (an image layer's deletion, a character device 0:0): then none shows it.
 */
const shownFrom = (lowers: string[], path: string): string | undefined => {
	for (const lower of lowers) {
		const stat = lstatOrNothing(`${lower}/${path}`);
		if (stat) {
			return stat.isCharacterDevice() && stat.rdev === 0 ? undefined : lower;
		}
	}

	return undefined;
};

/** Nothing where the path is missing, or where a parent on the way is not a directory. */
const lstatOrNothing = (path: string) => {
	try {
		return lstatSync(path);
	} catch {
		return undefined;
	}
};

/** `a`, `a and b`, `a, b and c`: an image route's stack may have many layers. */
const inWords = (names: string[]) => (names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`);

function layersChanges(was: LayersSnapshot | undefined, is: LayersSnapshot | undefined): Change[] {
	if (was === undefined || is === undefined) {
		return [];
	}

	const name = (path: string) => (under(path, is.dir) ? relative(is.dir, path) || '.' : path);
	const layerName = (path: string) => `layer ${name(path)}`;
	const changes: Change[] = [];
	const newLayers = is.layerDirs.filter(layer => !was.layerDirs.includes(layer));
	if (newLayers.length > 0) {
		changes.push({sign: '+', text: newLayers.length === 1
			? `layer ${newLayers[0]!} kept apart in ${is.dir}/${newLayers[0]!}, a directory of its own`
			: `layers ${inWords(newLayers)} kept apart in ${is.dir}, a directory each, as overlay2 keeps an image's layers`});
	}

	for (const overlay of is.overlays.filter(overlay => !was.overlays.some(old => old.target === overlay.target))) {
		changes.push({sign: '+', text: `overlay mounted on ${overlay.target}: ${overlay.lower.map(layerName).join(' over ')} (top first), writes go to ${overlay.upper ?? 'nowhere (read-only)'}`});
	}

	for (const overlay of was.overlays.filter(overlay => !is.overlays.some(now => now.target === overlay.target))) {
		changes.push({sign: '-', text: `overlay unmounted from ${overlay.target}`});
	}

	if (!sameProcess(was.shell, is.shell)) {
		if (was.shell) {
			changes.push({sign: '-', text: `the layered shell (pid ${was.shell.pid}) ended`});
		}

		if (is.shell) {
			changes.push({sign: '+', text: `layered shell started: pid ${is.shell.pid}, its / the overlay on ${is.shell.root}, with its own ${is.shell.own.join(', ') || 'no'} namespaces`});
		}
	}

	const changedLowers = Object.keys(is.lowers).filter(lower => lower in was.lowers && was.lowers[lower] !== is.lowers[lower]);
	const untouched = changedLowers.length === 0 ? ` (${inWords(Object.keys(is.lowers).map(layerName))} unchanged)` : '';
	for (const [upper, entries] of Object.entries(is.uppers)) {
		const before = new Map((was.uppers[upper] ?? []).map(entry => [entry.path, entry]));
		const lowers = is.overlays.find(overlay => overlay.upper === upper)?.lower ?? [];
		for (const entry of entries.filter(entry => entry.type !== 'dir')) {
			const old = before.get(entry.path);
			const where = `${name(upper)}/${entry.path}`;
			if (entry.type === 'char' && entry.rdev === '0:0') {
				if (old?.type !== 'char') {
					changes.push({sign: '+', text: `whiteout ${where} (a character device 0:0): /${entry.path} is deleted for this container only${untouched}`});
				}
			} else if (old === undefined) {
				const from = shownFrom(lowers, entry.path);
				changes.push({sign: '+', text: from === undefined
					? `${where}: written by the container, into its upper directory only${untouched}`
					: `${where}: copied up from ${layerName(from)}, then changed${untouched}`});
			} else if (old.changed !== entry.changed) {
				changes.push({sign: '~', text: `${where} changed in the upper directory${untouched}`});
			}
		}
	}

	for (const lower of changedLowers) {
		changes.push({sign: '~', text: `${layerName(lower)} changed: a lower layer must stay read-only (write through the overlay instead)`});
	}

	return changes;
}
