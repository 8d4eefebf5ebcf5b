import {cp, mkdir, mkdtemp, readFile, rm, symlink} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import type {ExecutionContext} from 'ava';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;

/**
 * Copies the fake /proc tree `test/fixtures/NAME` to a temporary directory and makes the symlinks its
 * `symlinks.txt` lists (`201/root -> /ubunturoot`); removed when the test ends. Returns the copy's path.
 */
export async function procFixture(t: ExecutionContext, name: string): Promise<string> {
	const proc = await mkdtemp(join(tmpdir(), `rootcamp-${name}-`));
	t.teardown(async () => rm(proc, {recursive: true, force: true}));
	await cp(join(fixtures, name), proc, {recursive: true, filter: source => !source.endsWith('/symlinks.txt')});
	const manifest = await readFile(join(fixtures, name, 'symlinks.txt'), 'utf8');
	for (const line of manifest.split('\n')) {
		const match = /^(\S+) -> (.+)$/.exec(line);
		if (match !== null) {
			const [, path, target] = match;
			await mkdir(dirname(join(proc, path!)), {recursive: true});
			await symlink(target!, join(proc, path!));
		}
	}

	return proc;
}
