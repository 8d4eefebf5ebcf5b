import {readProcCgroup, type ProcCgroup} from '../cgroup/cgroup.ts';
import type {Mount, NamespaceKind} from '../types.ts';
import {readMountinfo} from './mountinfo.ts';
import {ownNamespaces, readNamespaces} from './namespaces.ts';
import {readSecurity, type Security} from './security.ts';

/** The /proc paths `runc spec` masks (`linux.maskedPaths`): a file gets /dev/null bound on it, a directory an empty read-only tmpfs. */
export const runcMaskedPaths = ['/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi'] as const;

/** What the runtime lesson compares between two containers: one process, read from the host. */
export type ProcessProfile = {
	pid: number;
	/** Namespace kinds it has of its own, against rootcamp's `/proc/self/ns/*`. */
	own: NamespaceKind[];
	/** Its mount table, relative to its root. */
	mounts: Mount[];
	security: Security;
	/** Its control groups (`/proc/PID/cgroup`). */
	cgroups: ProcCgroup[];
};

/** Reads one process's profile; null when it is gone (or ends while being read). */
export async function readProfile(pid: number, {proc = '/proc'}: {proc?: string} = {}): Promise<ProcessProfile | null> {
	try {
		const [theirs, ours, mounts, cgroups] = await Promise.all([readNamespaces(pid, {proc}), readNamespaces('self', {proc}), readMountinfo(pid, {proc}), readProcCgroup(pid, {proc})]);
		const security = readSecurity(pid, {proc});
		if (security === null || cgroups === null) {
			return null;
		}

		return {pid, own: ownNamespaces(theirs, ours), mounts, security, cgroups};
	} catch {
		return null;
	}
}
