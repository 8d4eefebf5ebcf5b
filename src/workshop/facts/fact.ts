import type {CgroupHierarchy} from '../../host/cgroup/cgroup.ts';
import type {Probes} from '../../host/probes.ts';
import type {Mount} from '../../host/types.ts';
import type {Change, Snapshot} from '../api.ts';
import type {IsolationWatch} from '../isolation.ts';
import type {JournalEntry} from '../journal.ts';
import {subtractBy} from '../multiset.ts';
import type {StaticVariables} from '../variables.ts';

/** One thing the workshop needs, whether this host has it, and how to get it if not. */
export type Finding = {name: string; ok: boolean; detail: string; fix?: string};

/** What a fact reads from: one round of probes, the paths the lessons watch, their groups and side shells. */
type ReadContext = {probes: Probes; watchedPaths: string[]; watch: IsolationWatch};

/** What "what changed" needs to know: where the rootfs is (the host sees the container's mounts under it). */
export type CompareContext = {rootfs: string};

/** What the journal needs besides: the workshop's fixed paths (tarball, source tree). */
export type JournalContext = CompareContext & {variables: Pick<StaticVariables, 'tarball' | 'source'> & Partial<Pick<StaticVariables, 'workdir'>>};

/** What `reset` tells a fact when it looks for what the learner made by hand. */
type LeftoverContext = {probes: Probes; watch: IsolationWatch; journal: readonly JournalEntry[]; lessonLinks: ReadonlySet<string>};

/** What `doctor` reads once for every fact. */
export type DoctorContext = {hierarchy: CgroupHierarchy; sysctl: (name: string) => string | undefined};

/**
 * One kind of host fact a lesson can watch. Snapshot, "what changed", the journal, reset's
 * search for leftovers and doctor are each a loop over the registry (facts/registry.ts), so a
 * new fact is one module and one line there.
 */
export type Fact = {
	name: string;
	/** Started before the others in a snapshot: its read runs in another process. */
	readFirst?: boolean;
	/** Its part of a snapshot. */
	read(context: ReadContext): Promise<Partial<Snapshot>>;
	/** "What changed", in words, between two snapshots. */
	changes(before: Snapshot, after: Snapshot, context: CompareContext): Change[];
	/** What a step made of it, for `reset` to undo. */
	journal?(before: Snapshot, after: Snapshot, context: JournalContext): JournalEntry[];
	/** What looks like the workshop's but is not in the journal: made by hand, left for the learner. */
	leftovers?(context: LeftoverContext): Promise<string[]>;
	/** What this host must have for the lessons that watch it. */
	doctor?(context: DoctorContext): Finding[];
};

/** The same process in both: the same PID and the same start time (a PID can be reused). */
export function sameProcess(a: {pid: number; startTime: number} | null | undefined, b: {pid: number; startTime: number} | null | undefined): boolean {
	if (!a || !b) {
		return false;
	}

	return a.pid === b.pid && a.startTime === b.startTime;
}

/**
 * The one mount key: a mount is the same mount when all of these are. The device and root too:
 * a jail's own proc and the host's both read `proc proc /proc /`.
 */
export function mountKey(mount: Mount): string {
	return `${mount.fstype}\0${mount.source}\0${mount.target}\0${mount.root ?? ''}\0${mount.device ?? ''}`;
}

/** Mounts in `a` and not in `b`, counting duplicates. */
export function subtractMounts(a: Mount[], b: Mount[]): Mount[] {
	return subtractBy(a, b, mountKey);
}

export function sameMounts(a: Mount[], b: Mount[]): boolean {
	return a.length === b.length && subtractMounts(a, b).length === 0;
}

/** The mount on top at a path (the last one listed there). */
export function topAt(mounts: Mount[], target: string): Mount | undefined {
	return mounts.findLast(mount => mount.target === target);
}

/** At most this many names are listed before "and N more". */
const maxNames = 6;

/** Up to six names, the ones a learner asked for first: libraries are almost always pulled-in dependencies. */
export function listNames(names: string[]): string {
	const ordered = [...names].sort((a, b) => Number(a.startsWith('lib')) - Number(b.startsWith('lib')) || a.localeCompare(b));
	const shown = ordered.slice(0, maxNames);
	const rest = ordered.length - shown.length;
	return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

export function count(n: number, noun: string): string {
	return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
