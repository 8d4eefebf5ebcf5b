import {readFileSync} from 'node:fs';
import {join} from 'node:path';

/** Names of installed packages in dpkg's status file (`Status: install ok installed`), sorted. */
export function parseDpkgStatus(text: string): string[] {
	const installed = new Set<string>();
	for (const stanza of text.split(/\n\s*\n/)) {
		const name = /^Package:\s*(\S+)/m.exec(stanza)?.[1];
		const status = /^Status:\s*(.+?)\s*$/m.exec(stanza)?.[1];
		if (name !== undefined && status?.split(/\s+/).at(-1) === 'installed') {
			installed.add(name);
		}
	}

	return [...installed].sort();
}

/** Packages installed in the rootfs; null when it has no dpkg database (a busybox rootfs, or not unpacked). */
export async function readDpkgStatus(rootfs: string): Promise<string[] | null> {
	try {
		return parseDpkgStatus(readFileSync(join(rootfs, 'var/lib/dpkg/status'), 'utf8'));
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
			return null;
		}

		throw error;
	}
}
