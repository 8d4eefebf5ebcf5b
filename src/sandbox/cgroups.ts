import {existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {groupOf, parseProcCgroup, readCgroupHierarchy, type CgroupVersion, type ProcCgroup} from '../host/cgroup/cgroup.ts';
import {parseMountinfo} from '../host/proc/mountinfo.ts';

/**
 * A cgroup filesystem the holder mounts inside, where the host has it: its root is then the
 * sandbox's group. A v1 hierarchy is named by its controllers (`name=systemd` for a named one)
 * and mounted with the host's own flags (`xattr`, `clone_children`, …).
 */
type InnerCgroupMount = {version: CgroupVersion; controllers: string[]; flags?: string[]; target: string};

/**
 * A sandbox's own control groups: `rootcamp-sandbox-NAME` in every hierarchy the host has. The
 * holder joins `roots` and then unshares its cgroup namespace, so inside, each hierarchy's `/`
 * is that group: the limits lesson's `rootcamp` of two sandboxes are two different directories
 * on the host, and runc, which wants every v1 hierarchy (devices above all), finds them all as
 * a host has them. On v2 a group with processes cannot hand controllers to its children, so
 * processes live in `init` under the root, and the root sits under the nearest group that can
 * hand it pids and memory.
 */
export type SandboxGroups = {
	roots: string[];
	/** Where the holder and every process that enters the sandbox are put. */
	members: string[];
	mounts: InnerCgroupMount[];
	/** On v2, the leaf the holder moves to once inside, as the sandbox sees it. */
	init?: string;
	/** Why the sandbox has no groups of its own (no pids and memory on this host), or undefined. */
	missing?: string;
};

const sandboxGroupName = (name: string): string => `rootcamp-sandbox-${name}`;

/** Super options of a v1 mount that are flags, not controllers; options with `=` but `name=` are dropped (`release_agent=`). */
const v1Flags = new Set(['noprefix', 'clone_children', 'xattr', 'cpuset_v2_mode', 'favordynmods']);

const listed = (file: string): string[] => {
	try {
		return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean);
	} catch {
		return [];
	}
};

const offersPidsAndMemory = (file: string) => ['pids', 'memory'].every(controller => listed(file).includes(controller));

/**
 * On v2, the group the sandbox's root goes under: the maker's own, or the nearest ancestor that
 * can hand it pids and memory. A group with processes (a systemd session's scope, where the maker
 * runs) may hand nothing down, and the write that asks is refused: only the real root is exempt.
 * So: the first that already hands both down, has no process of its own while offering both, or
 * is the root.
 */
const v2Parent = (mount: string, own: string): string => {
	for (let group = own; ; group = dirname(group)) {
		const dir = join(mount, group);
		if (group === '/' || offersPidsAndMemory(join(dir, 'cgroup.subtree_control'))
			|| (listed(join(dir, 'cgroup.procs')).length === 0 && offersPidsAndMemory(join(dir, 'cgroup.controllers')))) {
			return dir;
		}
	}
};

/** The maker's group in the v1 hierarchy of `controllers`, as /proc/self/cgroup names it. */
const ownV1Group = (own: ProcCgroup[], controllers: string[]) => own.find(entry => entry.id !== 0 && entry.controllers.some(controller => controllers.includes(controller)))?.path ?? '/';

/** Where sandbox NAME's groups go on this host, next to this process's own. Reads only. */
export const planGroups = (name: string, {proc = '/proc'}: {proc?: string} = {}): SandboxGroups => {
	const hierarchy = readCgroupHierarchy({proc});
	if (hierarchy.version === 'none') {
		return {roots: [], members: [], mounts: [], missing: hierarchy.reason};
	}

	const own = parseProcCgroup(readFileSync(`${proc}/self/cgroup`, 'utf8'));
	if (hierarchy.version === 'v2') {
		const root = join(v2Parent(hierarchy.roots.pids, groupOf(own, 'v2', 'pids') ?? '/'), sandboxGroupName(name));
		return {roots: [root], members: [join(root, 'init')], mounts: [{version: 'v2', controllers: [], target: hierarchy.roots.pids}], init: join(hierarchy.roots.pids, 'init')};
	}

	// Every hierarchy once (pids and memory first, where the lessons look), and cgroup2 where a
	// hybrid host mounts it beside them: runc joins that one too.
	const mounts: InnerCgroupMount[] = [];
	for (const mount of parseMountinfo(readFileSync(`${proc}/self/mountinfo`, 'utf8'))) {
		const options = (mount.superOptions ?? '').split(',').filter(option => option !== 'rw' && option !== 'ro' && (!option.includes('=') || option.startsWith('name=')));
		const controllers = options.filter(option => !v1Flags.has(option));
		const flags = options.filter(option => v1Flags.has(option));
		const seen = mounts.some(known => known.version === (mount.fstype === 'cgroup' ? 'v1' : 'v2') && known.controllers.join(',') === controllers.join(','));
		if (mount.fstype === 'cgroup' && !seen) {
			mounts.push({version: 'v1', controllers, ...(flags.length > 0 ? {flags} : {}), target: mount.target});
		} else if (mount.fstype === 'cgroup2' && !seen) {
			mounts.push({version: 'v2', controllers: [], target: mount.target});
		}
	}

	const rank = (mount: InnerCgroupMount) => [hierarchy.roots.pids, hierarchy.roots.memory, mount.target].indexOf(mount.target);
	mounts.sort((a, b) => rank(a) - rank(b));
	const dirs = mounts.map(mount => join(mount.target, mount.version === 'v1' ? ownV1Group(own, mount.controllers) : groupOf(own, 'v2', 'pids') ?? '/', sandboxGroupName(name)));
	return {roots: dirs, members: dirs, mounts};
};

/**
 * A v1 cpuset group starts with no CPUs and no memory nodes (unless its parent has
 * clone_children), and the kernel then refuses every process: it gets its parent's.
 */
const fillCpuset = (dir: string) => {
	for (const file of ['cpuset.cpus', 'cpuset.mems', 'cpus', 'mems']) {
		const path = join(dir, file);
		if (existsSync(path) && readFileSync(path, 'utf8').trim() === '') {
			writeFileSync(path, readFileSync(join(dir, '..', file), 'utf8'));
		}
	}
};

/**
 * Makes the groups. On v2 their parent must first hand them pids and memory: planGroups chose
 * one that can, and where the kernel still says no the limits lesson's check says so inside.
 */
export const makeGroups = (groups: SandboxGroups): void => {
	for (const root of groups.roots) {
		if (groups.init !== undefined && !offersPidsAndMemory(join(root, '../cgroup.subtree_control'))) {
			try {
				writeFileSync(join(root, '../cgroup.subtree_control'), '+pids +memory');
			} catch {}
		}

		mkdirSync(root, {recursive: true});
		if (groups.init === undefined && existsSync(join(root, 'tasks'))) {
			fillCpuset(root);
		}
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
