import {runcMaskedPaths, type ProcessProfile} from '../host/proc/profile.ts';
import type {NamespaceKind, Mount} from '../host/types.ts';

/** One row of the runtime lesson's table: a fact, as the learner's container and runc's have it. */
export type RuntimeRow = {fact: string; you: string; runc: string};

/** The namespace kinds the table compares, in the order runc's spec lists its own. */
const namespaceRows: readonly NamespaceKind[] = ['pid', 'net', 'ipc', 'uts', 'mnt', 'cgroup'];

/** The mounts an engine makes under /dev and /sys, by where they go. */
const mountRows = ['/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys'] as const;

/** The facts every table has, in order: the check for the compare step wants each of them. */
export const runtimeFacts: readonly string[] = [
	...namespaceRows.map(kind => `${kind} namespace`),
	...mountRows,
	'masked /proc paths',
	'/proc/sys',
	'CapEff',
	'CapBnd',
	'NoNewPrivs',
	'Seccomp',
	'cgroup',
];

/** The mount on top at a path (the last one listed there). */
const topAt = (mounts: Mount[], target: string) => mounts.findLast(mount => mount.target === target);

/** Whether a mount is read-only for the processes that see it (its per-mount options say `ro`). */
export const readOnly = (mount: Mount) => mount.options.split(',').includes('ro');

/** A mount in words: `tmpfs`, `sysfs, read-only`, or `not mounted`. */
function mountWords(mounts: Mount[], target: string): string {
	const mount = topAt(mounts, target);
	return mount === undefined ? 'not mounted' : `${mount.fstype}${readOnly(mount) ? ', read-only' : ''}`;
}

/** The /proc paths of runc's default mask list that have a mount of their own in this table. */
export function maskedPaths(mounts: Mount[]): string[] {
	return runcMaskedPaths.filter(path => topAt(mounts, path) !== undefined);
}

/** A capability set in words: a few names, or how many of how many. */
export function capabilityWords(names: string[]): string {
	if (names.length === 0) {
		return 'none';
	}

	const short = names.map(name => name.replace(/^cap_/, ''));
	return names.length <= 5 ? `${names.length}: ${short.join(', ')}` : `${names.length} capabilities`;
}

/** The group a process is in: the pids controller's (v1), else the unified hierarchy's (v2). */
function groupWords(profile: ProcessProfile): string {
	const entry = profile.cgroups.find(cgroup => cgroup.controllers.includes('pids')) ?? profile.cgroups.find(cgroup => cgroup.id === 0);
	return entry?.path ?? 'unknown';
}

/** Every fact of one process, in the table's order. */
function describeProfile(profile: ProcessProfile): string[] {
	const {security, mounts} = profile;
	const masked = maskedPaths(mounts);
	const procSys = topAt(mounts, '/proc/sys');
	return [
		...namespaceRows.map(kind => (profile.own.includes(kind) ? 'own' : 'shared with the host')),
		...mountRows.map(target => mountWords(mounts, target)),
		masked.length === 0 ? 'none' : masked.map(path => path.replace(/^\/proc\//, '')).join(', '),
		procSys === undefined ? (topAt(mounts, '/proc') === undefined ? 'no /proc' : 'writable (part of /proc)') : (readOnly(procSys) ? 'read-only' : 'writable'),
		capabilityWords(security.effective),
		capabilityWords(security.bounding),
		security.noNewPrivs === undefined ? 'unknown' : (security.noNewPrivs ? '1 (set)' : '0'),
		security.seccomp === undefined ? 'unknown' : `${security.seccomp}${security.seccompFilters ? ` (${security.seccompFilters} filters)` : ''}`,
		groupWords(profile),
	];
}

/** The table, you | runc, fact by fact. */
export function runtimeTable(you: ProcessProfile, runc: ProcessProfile): RuntimeRow[] {
	const yours = describeProfile(you);
	const theirs = describeProfile(runc);
	return runtimeFacts.map((fact, index) => ({fact, you: yours[index]!, runc: theirs[index]!}));
}
