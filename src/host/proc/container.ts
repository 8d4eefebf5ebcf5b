import {realpathSync} from 'node:fs';
import {resolve} from 'node:path';
import type {ContainerInfo} from '../types.ts';
import {readNamespaces, ownNamespaces} from './namespaces.ts';
import {listProcessesRootedAt, pickShell, readCommandLine, stripDeleted, type ProcessInfo} from './processes.ts';

/**
 * Finds the container's shell: the topmost process rooted at `rootfs` in a PID namespace other than
 * ours. With `processes` (a listing the caller already has) /proc is not walked again.
 */
export async function findContainer(rootfs: string, {proc = '/proc', processes}: {proc?: string; processes?: ProcessInfo[]} = {}): Promise<ContainerInfo | null> {
	const [root, ours] = await Promise.all([realRoot(rootfs), readNamespaces('self', {proc})]);
	const rooted = processes
		? processes.filter(info => info.root !== undefined && stripDeleted(info.root) === root)
		: await listProcessesRootedAt(root, {proc});
	if (rooted.length === 0) {
		return null;
	}

	// Only now read namespaces: a handful of processes, not hundreds.
	const withNamespaces = await Promise.all(rooted.map(async info => ({
		info,
		namespaces: await readNamespaces(info.pid, {proc}).catch(() => undefined),
	})));
	const inside = withNamespaces.filter(({namespaces}) => namespaces?.pid !== undefined && namespaces.pid !== ours.pid);
	const pids = new Set(inside.map(({info}) => info.pid));
	const topmost = inside.filter(({info}) => !pids.has(info.ppid));
	const shell = await pickShell(topmost.map(({info}) => info), {proc});
	if (shell === undefined) {
		return null;
	}

	const namespaces = inside.find(({info}) => info === shell)!.namespaces!;
	return {
		pid: shell.pid,
		...(shell.ppid > 0 ? {parentPid: shell.ppid} : {}),
		root: stripDeleted(shell.root!),
		own: ownNamespaces(namespaces, ours),
		command: (await readCommandLine(shell.pid, {proc})) ?? shell.command,
		startTime: shell.startTime,
	};
}

/** A process's root is always a resolved path, so compare it with the rootfs's real path. */
async function realRoot(rootfs: string): Promise<string> {
	try {
		return realpathSync.native(rootfs);
	} catch {
		return resolve(rootfs);
	}
}
