import {readFile} from 'node:fs/promises';
import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

/**
 * The package's `assets/` directory, found by walking up from this module: the same code runs
 * from `src/ui/view/` (tests, tsx) and from the bundled `dist/`.
 */
function assetsDir(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
	let dir = from;
	for (;;) {
		const candidate = join(dir, 'assets');
		if (existsSync(join(candidate, 'banner.txt'))) {
			return candidate;
		}

		const parent = dirname(dir);
		if (parent === dir) {
			return undefined;
		}

		dir = parent;
	}
}

/** The text of a static asset, or undefined when it is missing: art is never worth an error. */
export async function readAsset(name: string): Promise<string | undefined> {
	const dir = assetsDir();
	if (!dir) {
		return undefined;
	}

	try {
		return await readFile(join(dir, name), 'utf8');
	} catch {
		return undefined;
	}
}
