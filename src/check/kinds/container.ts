import type {CheckSpec} from '../../lesson/types.ts';
import type {Probes} from '../../host/probes.ts';
import type {ContainerInfo, NamespaceKind} from '../../host/types.ts';
import type {CheckResult} from '../types.ts';
import {joinWords} from '../format.ts';
import {list} from '../options.ts';
import {fail, pass} from '../result.ts';
import {ownership} from './shell-namespaces.ts';

/** What the container check needs. */
export type ContainerData = {rootfs: string; container: ContainerInfo | null};

/** The `unshare` flag that gives a shell its own namespace of each kind, and why it matters. */
const remedies: Record<NamespaceKind, string> = {
	pid: 'unshare --fork --pid',
	mnt: 'unshare --mount (or --mount-proc, which implies it)',
	net: 'unshare --net',
	uts: 'unshare --uts',
	ipc: 'unshare --ipc',
	user: 'unshare --user',
	cgroup: 'unshare --cgroup',
};

const sharedWhat: Record<NamespaceKind, string> = {
	pid: 'process list',
	mnt: 'mount table',
	net: 'network namespace',
	uts: 'hostname',
	ipc: 'IPC namespace',
	user: 'user namespace',
	cgroup: 'cgroup namespace',
};

/** The problem with a `container own=pid,mnt[,net,uts]` line, if any. */
export {checkShellLine as validate} from './shell-namespaces.ts';

/** Finds the container's shell. */
export async function probe(_check: CheckSpec, probes: Probes): Promise<ContainerData> {
	return {rootfs: probes.rootfs, container: await probes.container()};
}

/** Passes when a shell runs in the rootfs with its own namespace of every kind in `own`. */
export function judge(check: CheckSpec, {rootfs, container}: ContainerData): CheckResult {
	const wanted = list(check, 'own') as NamespaceKind[];
	const expected = `a shell rooted at ${rootfs}${wanted.length > 0 ? ` with its own ${wanted.join(', ')} namespaces` : ''}`;
	if (container === null) {
		return fail(check, `no container is running: no process has ${rootfs} as its root in a PID namespace of its own; start one with unshare --fork --pid --mount-proc chroot ${rootfs} /bin/bash`, {expected, actual: 'none'});
	}

	const {actual, missing} = ownership(check, container);
	if (missing.length === 0) {
		return pass(check, `the container's shell is pid ${container.pid}, with its own ${container.own.join(', ')} namespaces`, {expected, actual});
	}

	const shares = joinWords(missing.map(kind => `the host's ${sharedWhat[kind]}`));
	if (missing.length === 1 && missing[0] === 'uts') {
		// unshare(2) moves the caller itself into a new UTS namespace: the shell can change in place.
		return fail(check, 'this shell shares the host\'s hostname: in that shell run exec unshare --uts /bin/bash (the same process then has a UTS namespace of its own, and keeps its PID, mounts and network)', {expected, actual});
	}

	// A new PID, mount or network namespace means a new shell: the fix is to leave and start again.
	const remedy = joinWords(missing.map(kind => remedies[kind]));
	return fail(check, `this shell shares ${shares}: exit it and start it again with ${remedy}`, {expected, actual});
}
