import {createHash} from 'node:crypto';
import {lstatSync, readdirSync, type Stats} from 'node:fs';
import {join} from 'node:path';
import {formatDevice} from './files.ts';

/** One entry of a tree, relative to its top, described without following it. */
export type TreeEntry = {path: string; type: 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo' | 'socket'; size: number; rdev?: string; changed: number};

const typeOf = (stats: Stats): TreeEntry['type'] => {
	if (stats.isFile()) {
		return 'file';
	}

	if (stats.isDirectory()) {
		return 'dir';
	}

	if (stats.isSymbolicLink()) {
		return 'symlink';
	}

	if (stats.isCharacterDevice()) {
		return 'char';
	}

	if (stats.isBlockDevice()) {
		return 'block';
	}

	return stats.isFIFO() ? 'fifo' : 'socket';
};

/**
 * Every entry under `top`, sorted by path, never following a symlink or leaving the filesystem's
 * tree; null when `top` is not a directory. For the small trees rootcamp compares (an overlay's
 * upper directory), read whole.
 */
export function walkTree(top: string): TreeEntry[] | null {
	try {
		if (!lstatSync(top).isDirectory()) {
			return null;
		}
	} catch {
		return null;
	}

	const entries: TreeEntry[] = [];
	const visit = (relative: string) => {
		let names: string[];
		try {
			names = readdirSync(join(top, relative)).sort();
		} catch {
			return;
		}

		for (const name of names) {
			const path = relative === '' ? name : `${relative}/${name}`;
			let stats;
			try {
				stats = lstatSync(join(top, path));
			} catch {
				continue;
			}

			const type = typeOf(stats);
			entries.push({path, type, size: stats.size, changed: stats.ctimeMs, ...(type === 'char' || type === 'block' ? {rdev: formatDevice(stats.rdev)} : {})});
			if (type === 'dir') {
				visit(path);
			}
		}
	};

	visit('');
	return entries;
}

/**
 * A fingerprint of a tree: any write to any entry under it changes its ctime, which the learner
 * cannot set back, so equal fingerprints mean an unchanged tree without reading its bytes.
 */
export function treeFingerprint(top: string): string | null {
	const entries = walkTree(top);
	if (entries === null) {
		return null;
	}

	const hash = createHash('sha256');
	for (const entry of entries) {
		hash.update(`${entry.path}\0${entry.type}\0${entry.size}\0${entry.changed}\n`);
	}

	return `${entries.length}:${hash.digest('hex').slice(0, 16)}`;
}

/** A stamp of a few paths (and the top directory): type, size and ctime of each, `-` for one that is missing. */
export function pathsFingerprint(top: string, paths: string[]): string {
	const hash = createHash('sha256');
	for (const path of [top, ...paths]) {
		try {
			const stats = lstatSync(path);
			hash.update(`${path}\0${typeOf(stats)}\0${stats.size}\0${stats.ctimeMs}\n`);
		} catch {
			hash.update(`${path}\0-\n`);
		}
	}

	return hash.digest('hex').slice(0, 16);
}
