import {spawn} from 'node:child_process';
import {statSync, type BigIntStats} from 'node:fs';
import {createInterface} from 'node:readline';
import {readTarMembers} from './tar-headers.ts';

/**
 * The top-level entries of a tar file, how many members it holds (what `tar -xv` will print one
 * line for, which gives an unpacking bar its total) and its size on disk.
 */
export type TarballListing = {entries: string[]; members: number; size: number};

/** What a listing remembers of a tarball's contents. */
export type TarballContents = Omit<TarballListing, 'size'>;

/** Listings kept between runs (the workshop keeps them in its cache folder), keyed by path and identity. */
export type ListingMemo = {
	recall(path: string, identity: string): TarballContents | undefined;
	remember(path: string, identity: string, contents: TarballContents): void;
};

/**
 * Who a file is, as far as the kernel can tell without reading it: the same device and inode, size,
 * and modification and change times to the nanosecond. Any write, truncation, chmod or replacement
 * changes one of them, so a listing remembered under this identity still describes the file.
 */
export const fileIdentity = (stats: BigIntStats) =>
	[stats.dev, stats.ino, stats.size, stats.mtimeNs, stats.ctimeNs].join(':');

/** The first path component of a tar member (`./bin/ls` → `bin`); empty for `./` itself. */
export function topLevelEntry(member: string): string {
	const first = member.replace(/^(?:\.?\/)+/, '').split('/')[0] ?? '';
	return first === '.' ? '' : first;
}

/**
 * True when the file was last written long enough ago that a write in the same clock tick, which
 * would leave its times unchanged, is no longer possible (git's "racy" rule). A tarball still being
 * written is listed each time, never remembered.
 */
const settled = (stats: BigIntStats) => Date.now() - Number(stats.mtimeNs / 1_000_000n) > 2000;

/**
 * Lists a tar file's top-level entries: headers read directly, or `tar -tf` for a compressed one;
 * with a memo, a file listed before and unchanged since is not read again.
 */
export async function listTarball(path: string, memo?: ListingMemo): Promise<TarballListing | null> {
	let stats;
	try {
		stats = statSync(path, {bigint: true});
		if (!stats.isFile()) {
			throw new Error(`${path} is not a regular file`);
		}
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
			return null;
		}

		throw error;
	}

	const size = Number(stats.size);
	const identity = fileIdentity(stats);
	const remembered = memo?.recall(path, identity);
	if (remembered) {
		return {...remembered, size};
	}

	const contents = await readContents(path);
	if (settled(stats)) {
		memo?.remember(path, identity, contents);
	}

	return {...contents, size};
}

async function readContents(path: string): Promise<TarballContents> {
	const entries = new Set<string>();
	let members = 0;
	const plain = readTarMembers(path, member => {
		members++;
		const entry = topLevelEntry(member);
		if (entry !== '') {
			entries.add(entry);
		}
	});
	return plain ? {entries: [...entries].sort(), members} : listWithTar(path);
}

/** `tar -tf`, for what is not a plain tar (a compressed tarball). */
async function listWithTar(path: string): Promise<TarballContents> {
	const child = spawn('tar', ['-tf', path], {stdio: ['ignore', 'pipe', 'pipe']});
	const entries = new Set<string>();
	let members = 0;
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
		members++;
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

	return {entries: [...entries].sort(), members};
}
