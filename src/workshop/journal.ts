import {join} from 'node:path';
import type {SideShell} from '../lesson/types.ts';
import {readJsonOrSetAside, writeJsonAtomic} from './atomic-file.ts';

/** Something the workshop created on the host, which `reset` undoes. */
export type JournalEntry =
	| {kind: 'container'; pid: number; startTime: number; launcherPid?: number; launcherStartTime?: number; log?: string; stdin?: string}
	| {kind: 'link'; name: string}
	| {kind: 'mount'; target: string}
	| {kind: 'file'; path: string}
	| {kind: 'rootfs'; path: string}
	| {kind: 'source'; path: string}
	/** A folder a lesson made (the layers lesson's); reset deletes it once nothing is mounted in it. */
	| {kind: 'tree'; path: string; what: string}
	/** A container runc runs (the runtime lesson's); reset deletes it with `runc delete --force`, its control groups with it. */
	| {kind: 'runc'; id: string}
	/** A service a lesson started in the background (the faas lesson's listener); reset ends its process group, then removes its socket. */
	| {kind: 'service'; name: string; pid: number; startTime: number; socket: string}
	/** A side shell (the jail, the rootless shell) started in the background like a learner's second terminal. */
	| {kind: 'shell'; name: SideShell; pid: number; startTime: number; launcherPid?: number; launcherStartTime?: number; log?: string; stdin?: string}
	/** A control group directory (v1 has one per controller); reset moves out what is left in it, then removes it. */
	| {kind: 'cgroup'; path: string}
	/** Controllers a step turned on in a v2 group's `cgroup.subtree_control`; reset turns them off again. */
	| {kind: 'subtree'; path: string; controllers: string[]};

/** What the journal keeps of a shell rootcamp started: enough to end it (and only it) and remove its files. */
export const startedShellFacts = (
	shell: {pid: number; startTime: number},
	started: {launcherPid: number; log: string; stdin: string},
	launcherStartTime: number | undefined,
) => ({
	pid: shell.pid,
	startTime: shell.startTime,
	launcherPid: started.launcherPid,
	launcherStartTime,
	log: started.log,
	stdin: started.stdin,
});

const isJournal = (value: unknown): value is {entries: JournalEntry[]} =>
	typeof value === 'object' && value !== null && Array.isArray((value as {entries: unknown}).entries);

const same = (a: JournalEntry, b: JournalEntry) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The journal of created resources, saved atomically next to progress. Read afresh on every
 * use: the app and a `rootcamp solve` in another terminal may both add to it.
 */
export class Journal {
	readonly path: string;
	readonly warning?: string;

	constructor(stateDir: string) {
		this.path = join(stateDir, 'journal.json');
		this.warning = readJsonOrSetAside(this.path, isJournal).warning;
	}

	entries(): readonly JournalEntry[] {
		return readJsonOrSetAside(this.path, isJournal).value?.entries ?? [];
	}

	add(entry: JournalEntry) {
		const entries = this.entries();
		if (!entries.some(other => same(other, entry))) {
			this.#save([...entries, entry]);
		}
	}

	remove(entry: JournalEntry) {
		this.#save(this.entries().filter(other => !same(other, entry)));
	}

	#save(entries: readonly JournalEntry[]) {
		writeJsonAtomic(this.path, {entries});
	}
}
