import {chmod, mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import type {ExecutionContext} from 'ava';

/** One entry of a temporary tree: git keeps neither modes like 1777 nor empty directories, so tests build them. */
export type Entry = {dir: number} | {file: string; mode?: number} | {symlink: string};

/** Creates a temporary directory tree, removed when the test ends; returns its path. */
export async function makeTree(t: ExecutionContext, entries: Record<string, Entry>): Promise<string> {
	const root = await mkdtemp(join(tmpdir(), 'rootcamp-test-'));
	t.teardown(async () => rm(root, {recursive: true, force: true}));
	for (const [path, entry] of Object.entries(entries)) {
		const full = join(root, path);
		await mkdir(dirname(full), {recursive: true});
		if ('dir' in entry) {
			await mkdir(full, {recursive: true});
			// chmod after mkdir: the umask would strip bits from mkdir's mode.
			await chmod(full, entry.dir);
		} else if ('file' in entry) {
			await writeFile(full, entry.file);
			await chmod(full, entry.mode ?? 0o644);
		} else {
			await symlink(entry.symlink, full);
		}
	}

	return root;
}
