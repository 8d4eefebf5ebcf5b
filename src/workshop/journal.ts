import {join} from 'node:path';
import {readJsonOrSetAside, writeJsonAtomic} from './atomic-file.ts';

/** Something the workshop created on the host, which `reset` undoes. */
export type JournalEntry =
	| {kind: 'container'; pid: number; startTime: number; launcherPid?: number; launcherStartTime?: number; log?: string}
	| {kind: 'link'; name: string}
	| {kind: 'mount'; target: string}
	| {kind: 'file'; path: string}
	| {kind: 'rootfs'; path: string}
	| {kind: 'source'; path: string};

const isJournal = (value: unknown): value is {entries: JournalEntry[]} =>
	typeof value === 'object' && value !== null && Array.isArray((value as {entries: unknown}).entries);

const same = (a: JournalEntry, b: JournalEntry) => JSON.stringify(a) === JSON.stringify(b);

/** The journal of created resources, saved atomically next to progress. */
export class Journal {
	readonly path: string;
	readonly warning?: string;
	#entries: JournalEntry[];

	constructor(stateDir: string) {
		this.path = join(stateDir, 'journal.json');
		const read = readJsonOrSetAside(this.path, isJournal);
		this.#entries = read.value?.entries ?? [];
		this.warning = read.warning;
	}

	entries(): readonly JournalEntry[] {
		return this.#entries;
	}

	add(entry: JournalEntry) {
		if (!this.#entries.some(other => same(other, entry))) {
			this.#entries = [...this.#entries, entry];
			this.#save();
		}
	}

	remove(entry: JournalEntry) {
		this.#entries = this.#entries.filter(other => !same(other, entry));
		this.#save();
	}

	#save() {
		writeJsonAtomic(this.path, {entries: this.#entries});
	}
}
