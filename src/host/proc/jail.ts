import {readlinkSync} from 'node:fs';
import {realPathOrSame} from '../rootfs/files.ts';
import type {ContainerInfo, Mount} from '../types.ts';
import {readNamespaces, ownNamespaces} from './namespaces.ts';
import {readMountinfo} from './mountinfo.ts';
import {showsSource, sourceOf, type MountSource} from './mount-source.ts';
import {listProcesses, pickShell, readCommandLine, type ProcessInfo} from './processes.ts';

/** The jail shell of the pivot-root lesson: a shell in a mount namespace of its own that holds the rootfs. */
export type JailInfo = ContainerInfo & {
	/** Its mount namespace (`mnt:[4026532249]`). */
	mountNamespace: string;
};

/** A process's namespace link of one kind, read without following it; undefined when unreadable. */
export function namespaceLink(pid: number | 'self', kind: string, proc: string): string | undefined {
	try {
		return readlinkSync(`${proc}/${pid}/ns/${kind}`);
	} catch {
		return undefined;
	}
}

/**
 * Finds the jail shell: the newest process in a mount namespace of its own (neither rootcamp's nor
 * the container's) whose mount table holds the rootfs directory itself, bind-mounted. Before
 * `pivot_root` the bind is at the rootfs's path; after it, it is the jail's `/`, which the host
 * sees only as `/`: no rule about a process's root directory could find it, its mount table can.
 * Within that namespace a PID namespace's init is preferred (the shell, not the `unshare` above it).
 */
export async function findJail(rootfs: string, {proc = '/proc', processes, hostMounts: known, exclude = []}: {proc?: string; processes?: ProcessInfo[]; hostMounts?: Mount[]; exclude?: number[]} = {}): Promise<JailInfo | null> {
	const hostMounts = known ?? await readMountinfo('self', {proc});
	const root = realPathOrSame(rootfs);
	const source = sourceOf(hostMounts, root);
	if (source === undefined) {
		return null;
	}

	const all = processes ?? await listProcesses({proc});
	const skip = new Set([namespaceLink('self', 'mnt', proc), ...exclude.map(pid => namespaceLink(pid, 'mnt', proc))].filter(Boolean));
	const byNamespace = new Map<string, ProcessInfo[]>();
	for (const info of all) {
		const namespace = namespaceLink(info.pid, 'mnt', proc);
		if (namespace !== undefined && !skip.has(namespace)) {
			byNamespace.set(namespace, [...byNamespace.get(namespace) ?? [], info]);
		}
	}

	const shells: Array<{namespace: string; shell: ProcessInfo}> = [];
	for (const [namespace, members] of byNamespace) {
		if (await holdsSource(members, source, proc)) {
			shells.push({namespace, shell: (await pickShell(members, {proc}))!});
		}
	}

	const newest = shells.reduce<typeof shells[number] | undefined>((best, candidate) => (best === undefined || candidate.shell.startTime > best.shell.startTime ? candidate : best), undefined);
	if (newest === undefined) {
		return null;
	}

	const {shell, namespace} = newest;
	const [theirs, ours] = await Promise.all([readNamespaces(shell.pid, {proc}).catch(() => ({})), readNamespaces('self', {proc})]);
	return {
		pid: shell.pid,
		...(shell.ppid > 0 ? {parentPid: shell.ppid} : {}),
		root: shell.root ?? '/',
		own: ownNamespaces(theirs, ours),
		command: (await readCommandLine(shell.pid, {proc})) ?? shell.command,
		startTime: shell.startTime,
		mountNamespace: namespace,
	};
}

/** Whether the mount table of a namespace (read through any of its processes) shows the rootfs directory. */
async function holdsSource(members: ProcessInfo[], source: MountSource, proc: string): Promise<boolean> {
	for (const member of members) {
		try {
			return (await readMountinfo(member.pid, {proc})).some(mount => showsSource(mount, source));
		} catch {
			// That process ended: ask the next one of the same namespace.
		}
	}

	return false;
}

