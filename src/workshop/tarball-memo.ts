import {readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import type {ListingMemo, TarballContents} from '../host/rootfs/tarball.ts';
import {writeJsonAtomic} from './atomic-file.ts';

/**
 * Tarball listings remembered between runs, in rootcamp's cache folder. Walking the headers of a
 * 150 MiB rootfs tarball costs tens of milliseconds, more than every other check of a round
 * together, and an exported tarball does not change. The probe reuses a listing only while the
 * file is provably the same one (see `fileIdentity` in host/tarball.ts).
 */
const fileName = 'tarball-listings.json';
/** Enough for the tarballs one learner has: the course's, and one made by hand elsewhere. */
const kept = 4;

type Remembered = TarballContents & {path: string; identity: string};

/** A memo written before listings counted their members has none: it is read again, once. */
const isRemembered = (entry: unknown): entry is Remembered => {
	const candidate = entry as Partial<Remembered> | null;
	return typeof candidate?.path === 'string' && typeof candidate.identity === 'string' && Array.isArray(candidate.entries) && Number.isInteger(candidate.members);
};

export function tarballMemo(cacheDir: string): ListingMemo {
	const path = join(cacheDir, fileName);
	const read = (): Remembered[] => {
		try {
			const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
			return Array.isArray(value) ? value.filter(isRemembered) : [];
		} catch {
			// No memo yet, or a damaged one: it is only a cache, so the tarball is read again.
			return [];
		}
	};

	return {
		recall(tarball, identity) {
			const found = read().find(entry => entry.path === tarball && entry.identity === identity);
			return found && {entries: found.entries, members: found.members};
		},
		remember(tarball, identity, {entries, members}) {
			try {
				writeJsonAtomic(path, [{path: tarball, identity, entries, members}, ...read().filter(entry => entry.path !== tarball)].slice(0, kept));
			} catch {}
		},
	};
}

/** Forgets every listing: reset removes rootcamp's own cache with what it describes. */
export function forgetTarballListings(cacheDir: string): void {
	rmSync(join(cacheDir, fileName), {force: true});
}
