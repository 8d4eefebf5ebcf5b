import {join, posix} from 'node:path';
import type {FileFact} from '../types.ts';

/** Where a path leads when symlinks are resolved the way a process chrooted at `root` would. */
export type Resolution = {
	/** The host path reached (parents resolved; the last component followed or not, as asked). */
	path: string;
	/** The same place as seen from inside the root. */
	inside: string;
	/** What is there; null when the path or a symlink's target does not exist inside the root. */
	fact: FileFact | null;
	/** Too many symlinks (a loop). */
	loop?: boolean;
};

/** Symlinks followed before giving up, as Linux does (ELOOP). */
const maxHops = 40;

/**
 * Resolves `inside` (an absolute path as the root sees it) under `root`, following symlinks only
 * within it: an absolute target starts again at `root`, and `..` never climbs above it.
 * `follow` says whether to follow a symlink in the last component.
 */
export async function resolveInRoot(
	root: string,
	inside: string,
	{follow, lstat}: {follow: boolean; lstat: (path: string) => Promise<FileFact | null>},
): Promise<Resolution> {
	const pending = inside.split('/').filter(part => part !== '' && part !== '.');
	const done: string[] = [];
	let fact = await lstat(root);
	let hops = 0;
	// A followed symlink whose target adds no component (`/`, `.`) leaves `fact` describing the link.
	let stale = false;
	while (pending.length > 0) {
		const part = pending.shift()!;
		stale = false;
		if (part === '..') {
			done.pop();
			fact = await lstat(join(root, ...done));
			continue;
		}

		const here = join(root, ...done, part);
		fact = await lstat(here);
		const last = pending.length === 0;
		if (fact === null || (!last && fact.type !== 'dir' && fact.type !== 'symlink')) {
			const missing = posix.join('/', ...done, part, ...pending);
			return {path: join(root, missing), inside: missing, fact: null};
		}

		if (fact.type === 'symlink' && (follow || !last)) {
			if (++hops > maxHops) {
				return {path: here, inside: posix.join('/', ...done, part), fact: null, loop: true};
			}

			const target = fact.target ?? '';
			if (target.startsWith('/')) {
				done.length = 0;
			}

			pending.unshift(...target.split('/').filter(piece => piece !== '' && piece !== '.'));
			stale = true;
			continue;
		}

		done.push(part);
	}

	const path = join(root, ...done);
	return {path, inside: posix.join('/', ...done), fact: stale ? await lstat(path) : fact};
}
