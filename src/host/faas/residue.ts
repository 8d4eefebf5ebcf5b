import {readdirSync, readlinkSync} from 'node:fs';
import {groupDirs, type CgroupHierarchy} from '../cgroup/cgroup.ts';
import {readMountinfo} from '../proc/mountinfo.ts';
import {treeFingerprint} from '../rootfs/tree.ts';

/** What requests may leave behind on the host, read before and after one. */
export type Residue = {
	/** Entries of the per-request directory (one per request still there). */
	requests: string[];
	/** Host mounts under it, or overlays whose options name it. */
	mounts: string[];
	/** Host PIDs of processes whose root is under it: a container still running. */
	processes: number[];
	/** Control groups under the service's group (`faas/ID`, on every hierarchy). */
	groups: string[];
	/** Each shared layer's fingerprint (every entry's path, type, size and change time); null when it is not there. */
	layers: Record<string, string | null>;
};

const under = (path: string, tree: string) => path === tree || path.startsWith(`${tree.replace(/\/+$/, '')}/`);

const listDir = (dir: string): string[] => {
	try {
		return readdirSync(dir).sort();
	} catch {
		return [];
	}
};

/** The child groups of `name` in each hierarchy this host keeps pids and memory in. */
export function childGroups(hierarchy: CgroupHierarchy, name: string | undefined): string[] {
	if (name === undefined || hierarchy.version === 'none') {
		return [];
	}

	const groups = new Set<string>();
	for (const dir of new Set(Object.values(groupDirs(hierarchy, name)))) {
		let entries;
		try {
			entries = readdirSync(dir, {withFileTypes: true});
		} catch {
			// No such group yet: nothing under it either.
			continue;
		}

		for (const entry of entries.filter(each => each.isDirectory())) {
			groups.add(`${name}/${entry.name}`);
		}
	}

	return [...groups].sort();
}

/** Processes (by host PID) whose root directory is under `tree`. */
export function processesRootedUnder(tree: string, {proc = '/proc'}: {proc?: string} = {}): number[] {
	const found: number[] = [];
	for (const name of listDir(proc).filter(each => /^\d+$/.test(each))) {
		try {
			if (under(readlinkSync(`${proc}/${name}/root`).replace(/ \(deleted\)$/, ''), tree)) {
				found.push(Number(name));
			}
		} catch {
			// Gone meanwhile, or a kernel thread's: not a container of this service.
		}
	}

	return found;
}

/** Reads what requests may have left: see Residue. */
export async function readResidue(
	{requests, cgroup, layers, hierarchy}: {requests: string; cgroup?: string; layers: string[]; hierarchy: CgroupHierarchy},
	{proc = '/proc'}: {proc?: string} = {},
): Promise<Residue> {
	const mounts = (await readMountinfo('self', {proc})).filter(mount => under(mount.target, requests) || (mount.superOptions ?? '').includes(requests));
	return {
		requests: listDir(requests),
		mounts: mounts.map(mount => `${mount.fstype} on ${mount.target}`),
		processes: processesRootedUnder(requests, {proc}),
		groups: childGroups(hierarchy, cgroup),
		layers: Object.fromEntries(layers.map(layer => [layer, treeFingerprint(layer)])),
	};
}
