import {formatSize, summarizeText} from '../../check/format.ts';
import type {Probes} from '../../host/probes.ts';
import type {FileFact} from '../../host/types.ts';
import type {Change} from '../api.ts';
import type {JournalEntry} from '../journal.ts';
import type {Fact} from './fact.ts';

/** The paths the lessons watch: the rootfs, the tarball, the source tree, every file a check names. */
export const filesFact: Fact = {
	name: 'files',
	read: async ({probes, watchedPaths}) => ({files: await readFiles(probes, watchedPaths)}),
	changes: (before, after) => fileChanges(before.files, after.files),
	/** What rootcamp made: reset removes the tarball, and with --purge the trees. */
	journal(before, after, {rootfs, variables}) {
		const appeared = (path: string | undefined): path is string => Boolean(path && !before.files[path] && after.files[path]);
		return [
			...(appeared(rootfs) ? [{kind: 'rootfs', path: rootfs} as const] : []),
			...(appeared(variables.source) ? [{kind: 'source', path: variables.source} as const] : []),
			...(appeared(variables.tarball) ? [{kind: 'file', path: variables.tarball} as const] : []),
		] satisfies JournalEntry[];
	},
};

async function readFiles(probes: Probes, paths: string[]): Promise<Record<string, FileFact | null>> {
	const unique = [...new Set(paths)];
	// Resolve like the file check does, so a rootfs symlink never leads the snapshot onto the host.
	const facts = await Promise.all(unique.map(async path => (await probes.resolve(path, {follow: false})).fact));
	return Object.fromEntries(unique.map((path, index) => [path, facts[index] ?? null]));
}

function fileChanges(before: Record<string, FileFact | null>, after: Record<string, FileFact | null>): Change[] {
	const changes: Change[] = [];
	for (const path of Object.keys(after)) {
		// A path watched in only one snapshot has nothing to compare with.
		if (!(path in before)) {
			continue;
		}

		changes.push(...fileChange(path, before[path] ?? null, after[path] ?? null));
	}

	return changes;
}

function fileChange(path: string, before: FileFact | null, after: FileFact | null): Change[] {
	if (before === null && after === null) {
		return [];
	}

	if (before === null) {
		return [{sign: '+', text: created(path, after!)}];
	}

	if (after === null) {
		return [{sign: '-', text: `${path} removed`}];
	}

	if (before.type !== after.type) {
		return [{sign: '~', text: `${path}: ${describeFile(before)} → ${describeFile(after)}`}];
	}

	const changes: Change[] = [];
	if (after.type === 'symlink') {
		if (before.target !== after.target) {
			changes.push({sign: '~', text: `${path} now points to ${after.target} (was ${before.target})`});
		}

		return changes;
	}

	if (before.mode !== after.mode) {
		changes.push({sign: '~', text: `${path} mode ${before.mode} → ${after.mode}`});
	}

	if (after.type === 'file') {
		if (before.preview !== undefined && after.preview !== undefined) {
			if (before.preview !== after.preview) {
				changes.push({sign: '~', text: `${path} changed (${summarizeText(before.preview, 50)} → ${summarizeText(after.preview, 50)})`});
			}
		} else if (before.size !== after.size) {
			changes.push({sign: '~', text: `${path} changed (${formatSize(before.size)} → ${formatSize(after.size)})`});
		}
	}

	return changes;
}

function created(path: string, fact: FileFact): string {
	switch (fact.type) {
		case 'dir': {
			return `${path} created (dir, mode ${fact.mode})`;
		}

		case 'symlink': {
			return `${path} created (symlink → ${fact.target})`;
		}

		case 'file': {
			return `${path} (${fact.preview === undefined ? formatSize(fact.size) : summarizeText(fact.preview, 50)})`;
		}

		default: {
			return `${path} created (special file)`;
		}
	}
}

function describeFile(fact: FileFact): string {
	switch (fact.type) {
		case 'symlink': {
			return `symlink (→ ${fact.target})`;
		}

		case 'file': {
			return `file (${fact.preview === undefined ? formatSize(fact.size) : summarizeText(fact.preview, 50)})`;
		}

		case 'dir': {
			return `dir (mode ${fact.mode})`;
		}

		default: {
			return 'special file';
		}
	}
}
