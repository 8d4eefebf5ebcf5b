import {existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {groupOf, parseCgroupMounts, parseProcCgroup, readCgroupHierarchy, type CgroupVersion} from '../host/cgroup/cgroup.ts';

/** A cgroup filesystem the holder mounts inside, where the host has it: its root is then the sandbox's group. */
type InnerCgroupMount = {version: CgroupVersion; controllers: string[]; target: string};

/**
 * A sandbox's own control groups: `rootcamp-sandbox-NAME` beside the group its maker runs in, in
 * the pids and memory hierarchies. The holder joins `roots` and then unshares its cgroup
 * namespace, so inside, each hierarchy's `/` is that group: the limits lesson's `rootcamp` of two
 * sandboxes are two different directories on the host. On v2 a group with processes cannot
 * hand controllers to its children, so processes live in `init` under the root.
 */
export type SandboxGroups = {
	roots: string[];
	/** Where the holder and every process that enters the sandbox are put. */
	members: string[];
	mounts: InnerCgroupMount[];
	/** Why the sandbox has no groups of its own (no pids and memory on this host), or undefined. */
	missing?: string;
};

const sandboxGroupName = (name: string): string => `rootcamp-sandbox-${name}`;

/** Where sandbox NAME's groups go on this host, next to this process's own. Reads only. */
export const planGroups = (name: string, {proc = '/proc'}: {proc?: string} = {}): SandboxGroups => {
	const hierarchy = readCgroupHierarchy({proc});
	if (hierarchy.version === 'none') {
		return {roots: [], members: [], mounts: [], missing: hierarchy.reason};
	}

	const own = parseProcCgroup(readFileSync(`${proc}/self/cgroup`, 'utf8'));
	const hostMounts = parseCgroupMounts(readFileSync(`${proc}/self/mountinfo`, 'utf8'));
	if (hierarchy.version === 'v2') {
		const root = join(hierarchy.roots.pids, groupOf(own, 'v2', 'pids') ?? '/', sandboxGroupName(name));
		return {roots: [root], members: [join(root, 'init')], mounts: [{version: 'v2', controllers: [], target: hierarchy.roots.pids}]};
	}

	const roots = [...new Set([hierarchy.roots.pids, hierarchy.roots.memory])];
	const dirs = (['pids', 'memory'] as const).map(controller => join(hierarchy.roots[controller], groupOf(own, 'v1', controller) ?? '/', sandboxGroupName(name)));
	const mounts = roots.map(target => ({version: 'v1' as const, controllers: hostMounts.find(mount => mount.target === target)?.controllers ?? [], target}));
	return {roots: [...new Set(dirs)], members: [...new Set(dirs)], mounts};
};

/** Makes the groups; on v2 its parent must first hand it pids and memory (the kernel says no where it cannot). */
export const makeGroups = (groups: SandboxGroups): void => {
	for (const root of groups.roots) {
		if (groups.mounts[0]?.version === 'v2') {
			try {
				writeFileSync(join(root, '../cgroup.subtree_control'), '+pids +memory');
			} catch {
				// A parent with processes of its own cannot; the limits lesson's doctor line says so inside.
			}
		}

		mkdirSync(root, {recursive: true});
	}
};

/** Every group under `dir`, deepest first, then `dir` itself: the order rmdir needs. */
const groupsUnder = (dir: string): string[] => {
	if (!existsSync(dir)) {
		return [];
	}

	const children = readdirSync(dir, {withFileTypes: true}).filter(entry => entry.isDirectory());
	return [...children.flatMap(child => groupsUnder(join(dir, child.name))), dir];
};

const sleep = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

/**
 * Removes the groups and everything the lessons made under them. A group is removable once its
 * last process is reaped, which the kernel finishes a moment after the holder dies: retried for
 * `timeout` ms. Returns the groups still there.
 */
export const removeGroups = async (groups: SandboxGroups, timeout = 5000): Promise<string[]> => {
	const deadline = Date.now() + timeout;
	for (;;) {
		const left: string[] = [];
		for (const group of groups.roots.flatMap(root => groupsUnder(root))) {
			try {
				rmdirSync(group);
			} catch {
				left.push(group);
			}
		}

		if (left.length === 0 || Date.now() > deadline) {
			return left;
		}

		await sleep(50);
	}
};
