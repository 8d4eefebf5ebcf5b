import {spawn} from 'node:child_process';
import {stat} from 'node:fs/promises';
import {createInterface} from 'node:readline';
import {readTarMembers} from './tar-headers.ts';

/** The top-level entries of a tar file and its size on disk. */
export type TarballListing = {entries: string[]; size: number};

/** The first path component of a tar member (`./bin/ls` → `bin`); empty for `./` itself. */
export function topLevelEntry(member: string): string {
	const first = member.replace(/^(?:\.?\/)+/, '').split('/')[0] ?? '';
	return first === '.' ? '' : first;
}

/** Lists a tar file's top-level entries: headers read directly, or `tar -tf` for a compressed one. */
export async function listTarball(path: string): Promise<TarballListing | null> {
	let size;
	try {
		const stats = await stat(path);
		if (!stats.isFile()) {
			throw new Error(`${path} is not a regular file`);
		}

		size = stats.size;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return null;
		}

		throw error;
	}

	const entries = await topLevelEntries(path);
	return {entries, size};
}

async function topLevelEntries(path: string): Promise<string[]> {
	const entries = new Set<string>();
	const plain = readTarMembers(path, member => {
		const entry = topLevelEntry(member);
		if (entry !== '') {
			entries.add(entry);
		}
	});
	return plain ? [...entries].sort() : listWithTar(path);
}

/** `tar -tf`, for what is not a plain tar (a compressed tarball). */
async function listWithTar(path: string): Promise<string[]> {
	const child = spawn('tar', ['-tf', path], {stdio: ['ignore', 'pipe', 'pipe']});
	const entries = new Set<string>();
	let stderr = '';
	child.stderr.setEncoding('utf8');
	child.stderr.on('data', (chunk: string) => {
		// Keep only the start: tar repeats itself on a badly corrupt file.
		if (stderr.length < 4096) {
			stderr += chunk;
		}
	});
	const closed = new Promise<number | null>((resolve, reject) => {
		child.on('error', reject);
		child.on('close', resolve);
	});
	for await (const line of createInterface({input: child.stdout, crlfDelay: Infinity})) {
		const entry = topLevelEntry(line);
		if (entry !== '') {
			entries.add(entry);
		}
	}

	let code;
	try {
		code = await closed;
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			throw new Error('`tar` was not found: install tar', {cause: error});
		}

		throw error;
	}

	if (code !== 0) {
		throw new Error(`${path} is not a readable tar file: ${stderr.trim().split('\n')[0] ?? `tar exited with ${code}`}`);
	}

	return [...entries].sort();
}
