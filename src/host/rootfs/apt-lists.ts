import {readdirSync} from 'node:fs';
import {join} from 'node:path';

/** Whether a file in `var/lib/apt/lists` is a downloaded index (not `lock`, `partial/`, `auxfiles/`, a signature). */
export function isAptIndex(name: string): boolean {
	return /_(?:Packages|Sources|InRelease|Release)(?:\.[a-z\d]+)?$/.test(name) && !name.endsWith('.gpg');
}

/** Number of downloaded apt index files in the rootfs (0 before `apt-get update`). */
export async function countAptLists(rootfs: string): Promise<number> {
	try {
		const entries = readdirSync(join(rootfs, 'var/lib/apt/lists'), {withFileTypes: true});
		return entries.filter(entry => entry.isFile() && isAptIndex(entry.name)).length;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
			return 0;
		}

		throw error;
	}
}
