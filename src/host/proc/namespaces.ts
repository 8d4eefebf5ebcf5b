import {readlinkSync, statSync} from 'node:fs';
import {namespaceKinds, type NamespaceKind} from '../types.ts';

/** Namespace ids by kind (`net:[4026531833]`); a kind the kernel lacks or hides is left out. */
export type Namespaces = Partial<Record<NamespaceKind, string>>;

/**
 * Reads the namespace links of a process (`/proc/PID/ns/*`); throws only when the process is gone.
 * Synchronous reads on purpose: /proc never waits on a disk, and eight trips through the thread
 * pool per process cost more than the reads, on the path every check round waits for.
 */
export async function readNamespaces(pid: number | 'self', {proc = '/proc'}: {proc?: string} = {}): Promise<Namespaces> {
	const links = namespaceKinds.map(kind => {
		try {
			return [kind, readlinkSync(`${proc}/${pid}/ns/${kind}`)] as const;
		} catch {
			return [kind, undefined] as const;
		}
	});
	const namespaces: Namespaces = {};
	for (const [kind, link] of links) {
		if (link !== undefined) {
			namespaces[kind] = link;
		}
	}

	if (Object.keys(namespaces).length === 0) {
		// Nothing readable: tell a vanished process apart from one whose links are hidden.
		statSync(`${proc}/${pid}`);
	}

	return namespaces;
}

/** Kinds whose namespace differs between `theirs` and `ours` (a kind unknown on either side is not counted). */
export function ownNamespaces(theirs: Namespaces, ours: Namespaces): NamespaceKind[] {
	return namespaceKinds.filter(kind => theirs[kind] !== undefined && ours[kind] !== undefined && theirs[kind] !== ours[kind]);
}
