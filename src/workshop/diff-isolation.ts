import {formatLimit, limitFiles, type CgroupGroup} from '../host/cgroup/cgroup.ts';
import type {RootlessInfo} from '../host/proc/rootless.ts';
import type {Mount} from '../host/types.ts';
import type {Change, Snapshot} from './api.ts';
import {subtractBy} from './multiset.ts';

/** "What changed" for the lessons beyond the write-up: control groups and limits, the jail's mounts, the uid map. */
export function isolationChanges(before: Snapshot, after: Snapshot): Change[] {
	return [...cgroupChanges(before, after), ...jailChanges(before, after), ...rootlessChanges(before.rootless, after.rootless)];
}

function cgroupChanges(before: Snapshot, after: Snapshot): Change[] {
	const changes: Change[] = [];
	const names = new Set([...Object.keys(before.cgroups ?? {}), ...Object.keys(after.cgroups ?? {})]);
	for (const name of names) {
		// A group watched in only one snapshot has nothing to compare with.
		if (!(name in (before.cgroups ?? {})) || !(name in (after.cgroups ?? {}))) {
			continue;
		}

		changes.push(...groupChanges(name, before.cgroups![name] ?? null, after.cgroups![name] ?? null, after.container?.pid));
	}

	return changes;
}

function groupChanges(name: string, before: CgroupGroup | null, after: CgroupGroup | null, containerPid: number | undefined): Change[] {
	if (before === null && after === null) {
		return [];
	}

	if (after === null) {
		return [{sign: '-', text: `control group ${name} removed`}];
	}

	if (before === null) {
		const where = after.version === 'v2'
			? after.dirs.pids
			: `${after.controllers.map(controller => after.dirs[controller]).join(' and ')}, one directory per controller`;
		return [{sign: '+', text: `control group ${name} created (cgroup ${after.version}: ${where})`}];
	}

	const changes: Change[] = [];
	const gained = after.controllers.filter(controller => !before.controllers.includes(controller));
	if (gained.length > 0) {
		changes.push({sign: '+', text: `${name} now has the ${gained.join(' and ')} controller${gained.length === 1 ? '' : 's'}`});
	}

	if (containerPid !== undefined) {
		const was = before.procs.includes(containerPid);
		const is = after.procs.includes(containerPid);
		if (!was && is) {
			changes.push({sign: '+', text: `the container's shell (pid ${containerPid}) joined control group ${name}; its children will be born in it`});
		} else if (was && !is) {
			changes.push({sign: '-', text: `the container's shell (pid ${containerPid}) left control group ${name}`});
		}
	}

	const files = limitFiles[after.version];
	if (before.pidsMax !== after.pidsMax && after.pidsMax !== undefined) {
		changes.push({sign: '~', text: `${name} ${files.pids}: ${before.pidsMax ?? '?'} → ${after.pidsMax}${after.pidsMax === 'max' ? '' : ` (at most ${after.pidsMax} processes in the group, the shell included)`}`});
	}

	if (before.memoryMax !== after.memoryMax && after.memoryMax !== undefined) {
		changes.push({sign: '~', text: `${name} ${files.memory}: ${formatLimit(before.memoryMax)} → ${formatLimit(after.memoryMax)}`});
	}

	const refused = (after.forksRefused ?? 0) - (before.forksRefused ?? 0);
	if (refused > 0) {
		changes.push({sign: '+', text: `${name} refused ${refused} fork${refused === 1 ? '' : 's'} at ${files.pids} ${after.pidsMax ?? '?'}`});
	}

	const killed = (after.oomKills ?? 0) - (before.oomKills ?? 0);
	if (killed > 0) {
		changes.push({sign: '+', text: `the OOM killer ended ${killed} process${killed === 1 ? '' : 'es'} in ${name} at ${files.memory} ${formatLimit(after.memoryMax)} (the rest of the host was not touched)`});
	}

	return changes;
}

function jailChanges(before: Snapshot, after: Snapshot): Change[] {
	if (before.jail === undefined || after.jail === undefined) {
		return [];
	}

	const was = before.jail;
	const is = after.jail;
	const hostUnchanged = sameMounts(before.hostMounts, after.hostMounts);
	if (was === null && is === null) {
		return [];
	}

	if (is === null) {
		return [{sign: '-', text: `jail shell (pid ${was!.shell.pid}) ended, and its mount namespace with it`}];
	}

	const changes: Change[] = [];
	const same = was !== null && was.shell.pid === is.shell.pid && was.shell.startTime === is.shell.startTime;
	if (!same) {
		if (was !== null) {
			changes.push({sign: '-', text: `jail shell (pid ${was.shell.pid}) ended`});
		}

		changes.push({sign: '+', text: `jail shell started: pid ${is.shell.pid} with its own ${is.shell.own.join(', ') || 'no'} namespaces`});
		const bound = is.mounts.filter(mount => mount.root !== undefined && mount.root !== '/' && mount.target !== '/');
		for (const mount of bound) {
			changes.push({sign: '+', text: `${mount.root} bind-mounted on ${mount.target} (jail only${hostUnchanged ? '; host mounts unchanged' : ''})`});
		}

		return changes;
	}

	const rootBefore = topAt(was.mounts, '/');
	const rootAfter = topAt(is.mounts, '/');
	const pivoted = rootBefore !== undefined && rootAfter !== undefined && (rootBefore.device !== rootAfter.device || rootBefore.root !== rootAfter.root);
	if (pivoted) {
		changes.push({sign: '~', text: `the jail's / is now ${rootAfter.root} of ${rootAfter.source} (pivot_root), no longer ${rootBefore.root} of ${rootBefore.source}`});
	}

	const added = subtract(is.mounts, was.mounts).filter(mount => !(pivoted && mount.target === '/'));
	const removed = subtract(was.mounts, is.mounts).filter(mount => !(pivoted && mount.target === '/'));
	for (const mount of added) {
		changes.push({sign: '+', text: `${mount.fstype} mounted on ${mount.target} (jail only${hostUnchanged ? '; host mounts unchanged' : ''})`});
	}

	if (pivoted && removed.length > 0) {
		// After pivot_root the old tree is still reachable at put_old until `umount -l` detaches it.
		changes.push({sign: '-', text: `the old root and the ${removed.length} mount${removed.length === 1 ? '' : 's'} under it are gone from the jail's table: nothing of the host's tree is left to escape to`});
	} else {
		for (const mount of removed) {
			changes.push({sign: '-', text: `${mount.fstype} unmounted from ${mount.target} (jail)`});
		}
	}

	return changes;
}

function rootlessChanges(before: RootlessInfo | null | undefined, after: RootlessInfo | null | undefined): Change[] {
	if (before === undefined || after === undefined || (before === null && after === null)) {
		return [];
	}

	if (after === null) {
		return [{sign: '-', text: `rootless shell (pid ${before!.pid}) ended, and its user namespace with it`}];
	}

	const changes: Change[] = [];
	const same = before !== null && before.pid === after.pid && before.startTime === after.startTime;
	if (!same) {
		if (before !== null) {
			changes.push({sign: '-', text: `rootless shell (pid ${before.pid}) ended`});
		}

		const map = after.uidMap.length === 0 ? 'no uid map yet, so inside it is the overflow uid 65534 with no privileges' : `uid map ${formatMap(after)}`;
		changes.push({sign: '+', text: `rootless shell started: pid ${after.pid}, uid ${after.uid} on the host, in a user namespace of its own; ${map}`});
		return changes;
	}

	if (formatMap(before) !== formatMap(after)) {
		const root = after.uidMap.find(line => line.inside === 0);
		const meaning = root === undefined ? '' : ` (root inside is uid ${root.outside} outside)`;
		changes.push({sign: '~', text: `pid ${after.pid}'s uid map: ${formatMap(before)} → ${formatMap(after)}${meaning}`});
	}

	return changes;
}

function formatMap(shell: RootlessInfo): string {
	return shell.uidMap.length === 0 ? 'none' : shell.uidMap.map(line => `${line.inside} ${line.outside} ${line.count}`).join('; ');
}

/** The mount on top at a path (the last one listed there). */
function topAt(mounts: Mount[], target: string): Mount | undefined {
	return mounts.filter(mount => mount.target === target).at(-1);
}

function key(mount: Mount): string {
	// The device too: a jail's own proc and the host's both read `proc proc /proc /`.
	return `${mount.fstype}\0${mount.source}\0${mount.target}\0${mount.root ?? ''}\0${mount.device ?? ''}`;
}

/** Mounts in `a` and not in `b`, counting duplicates. */
function subtract(a: Mount[], b: Mount[]): Mount[] {
	return subtractBy(a, b, key);
}

function sameMounts(a: Mount[], b: Mount[]): boolean {
	return a.length === b.length && subtract(a, b).length === 0;
}
