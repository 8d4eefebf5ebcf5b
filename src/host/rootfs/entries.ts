import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import type {FileFact} from '../types.ts';
import {fileFact} from './files.ts';

/** One entry of a directory, described without following it. */
export type Entry = {name: string; fact: FileFact};

/** The entries of a directory, sorted by name; null when it is missing or not a directory. */
export async function listEntries(dir: string): Promise<Entry[] | null> {
	let names;
	try {
		names = readdirSync(dir);
	} catch (error) {
		const {code} = (error as NodeJS.ErrnoException);
		if (code === 'ENOENT' || code === 'ENOTDIR') {
			return null;
		}

		throw error;
	}

	const facts = await Promise.all(names.sort().map(async name => ({name, fact: await fileFact(join(dir, name))})));
	// An entry can vanish between readdir and lstat: leave it out.
	return facts.filter((entry): entry is Entry => entry.fact !== null);
}
