import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';

/**
 * Makes fresh folders under the system's temporary folder for a test file, and removes them
 * all when the file's tests are over, passed or failed: a test run leaves nothing in /tmp.
 */
export function temporaryFolders(prefix: string): () => string {
	const made: string[] = [];
	test.after.always(() => {
		for (const dir of made) {
			rmSync(dir, {recursive: true, force: true});
		}
	});
	return () => {
		const dir = mkdtempSync(join(tmpdir(), prefix));
		made.push(dir);
		return dir;
	};
}
