import {readFileSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import type {ListingMemo} from '../host/rootfs/tarball.ts';
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

type Remembered = {path: string; identity: string; entries: string[]};

const isRemembered = (entry: unknown): entry is Remembered => {
	const candidate = entry as Partial<Remembered> | null;
	return typeof candidate?.path === 'string' && typeof candidate.identity === 'string' && Array.isArray(candidate.entries);
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
		recall: (tarball, identity) => read().find(entry => entry.path === tarball && entry.identity === identity)?.entries,
		remember(tarball, identity, entries) {
			try {
				writeJsonAtomic(path, [{path: tarball, identity, entries}, ...read().filter(entry => entry.path !== tarball)].slice(0, kept));
			} catch {}
		},
	};
}

/** Forgets every listing: reset removes rootcamp's own cache with what it describes. */
export function forgetTarballListings(cacheDir: string): void {
	rmSync(join(cacheDir, fileName), {force: true});
}
