import {dirname} from 'node:path';
import {formatLimit, groupDirs, limitFiles, readSubtreeControl, type CgroupGroup, type CgroupHierarchy} from '../../host/cgroup/cgroup.ts';
import {joinWords} from '../../check/format.ts';
import type {Change, Snapshot} from '../api.ts';
import type {Fact} from './fact.ts';

/** The lessons' control groups (only those a `cgroup` check names): limits, members, refusals, OOM kills. */
export const cgroupsFact: Fact = {
	name: 'cgroups',
	async read({probes, watch}) {
		if (watch.cgroups.length === 0) {
			return {};
		}

		const cgroups = await Promise.all(watch.cgroups.map(async name => [name, await probes.cgroup(name).catch(() => null)] as const));
		const subtreeControl = parentsSubtreeControl(await probes.cgroupHierarchy().catch(() => undefined), watch.cgroups);
		return {cgroups: Object.fromEntries(cgroups), ...(subtreeControl ? {subtreeControl} : {})};
	},
	changes: (before, after) => [...subtreeChanges(before, after), ...cgroupChanges(before, after)],
	/** Group directories that appeared, and controllers a parent now hands down: reset undoes both. */
	journal: (before, after) => [
		...newCgroupDirs(before, after).map(path => ({kind: 'cgroup' as const, path})),
		...Object.entries(turnedOn(before, after)).map(([path, controllers]) => ({kind: 'subtree' as const, path, controllers})),
	],
	/** Groups the lessons name that exist but are not rootcamp's: made by hand, left for the learner. */
	async leftovers({probes, watch, journal}) {
		const journaled = new Set(journal.flatMap(entry => (entry.kind === 'cgroup' ? [entry.path] : [])));
		const found: string[] = [];
		for (const name of watch.cgroups) {
			const dirs = existingDirs(await probes.cgroup(name).catch(() => null)).filter(dir => !journaled.has(dir));
			if (dirs.length > 0) {
				found.push(`the control group ${name} was not made by rootcamp: move its processes out (echo PID > ${dirname(dirs[0]!)}/cgroup.procs), then rmdir ${dirs.join(' ')}`);
			}
		}

		return found;
	},
	doctor: ({hierarchy}) => [hierarchy.version === 'none'
		? {name: 'control groups', ok: false, detail: hierarchy.reason, fix: 'a kernel with the pids and memory controllers, and cgroup2 mounted on /sys/fs/cgroup (the limits lesson)'}
		: {name: 'control groups', ok: true, detail: `cgroup ${hierarchy.version}: pids in ${hierarchy.roots.pids}, memory in ${hierarchy.roots.memory}`}],
};

/** The directories of a group that exist: one on v2, one per controller on v1. */
export const existingDirs = (group: CgroupGroup | null | undefined): string[] => {
	if (!group) {
		return [];
	}

	return group.version === 'v2' ? [group.dirs.pids] : group.controllers.map(controller => group.dirs[controller]);
};

/** Group directories that appeared between two snapshots: what a step made, for the journal. */
export const newCgroupDirs = (before: Snapshot, after: Snapshot): string[] => {
	const had = new Set(Object.values(before.cgroups ?? {}).flatMap(existingDirs));
	return Object.values(after.cgroups ?? {}).flatMap(existingDirs).filter(dir => !had.has(dir));
};

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

/**
 * v2 only: the controllers each watched group's parent hands down. A v2 group has only the
 * controllers its parent lists in `cgroup.subtree_control`; on a host without systemd the root
 * lists none until the lesson's `echo +pids +memory`.
 */
function parentsSubtreeControl(hierarchy: CgroupHierarchy | undefined, names: string[]): Record<string, string[]> | undefined {
	if (hierarchy?.version !== 'v2') {
		return undefined;
	}

	const parents = [...new Set(names.map(name => dirname(groupDirs(hierarchy, name).pids)))];
	return Object.fromEntries(parents.map(parent => [parent, readSubtreeControl(parent)]));
}

/** Controllers a parent hands down after a step and did not before, by the parent's directory. */
function turnedOn(before: Snapshot, after: Snapshot): Record<string, string[]> {
	const result: Record<string, string[]> = {};
	for (const [parent, controllers] of Object.entries(after.subtreeControl ?? {})) {
		const had = before.subtreeControl?.[parent];
		const gained = had === undefined ? [] : controllers.filter(controller => !had.includes(controller));
		if (gained.length > 0) {
			result[parent] = gained;
		}
	}

	return result;
}

/** "What changed" of the parents: a controller handed down, or no longer. */
function subtreeChanges(before: Snapshot, after: Snapshot): Change[] {
	const changes: Change[] = Object.entries(turnedOn(before, after))
		.map(([parent, gained]) => ({sign: '+', text: `${parent} now hands ${joinWords(gained)} down to the groups under it (cgroup.subtree_control)`}));
	for (const [parent, controllers] of Object.entries(before.subtreeControl ?? {})) {
		const now = after.subtreeControl?.[parent];
		const lost = now === undefined ? [] : controllers.filter(controller => !now.includes(controller));
		if (lost.length > 0) {
			changes.push({sign: '-', text: `${parent} no longer hands ${joinWords(lost)} down`});
		}
	}

	return changes;
}
