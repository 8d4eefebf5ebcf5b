import {existsSync, readdirSync, readFileSync, rmdirSync, statSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {parseProcs} from '../host/cgroup/cgroup.ts';

/** What removing one control group directory did. */
export type CgroupRemoval = {removed: boolean; moved: number[]; problem?: string};

/**
 * Removes a control group directory rootcamp made. A group that still holds processes cannot be
 * removed, and killing them is not rootcamp's to do (reset has already ended its own shells, so
 * what is left is someone else's): each is moved up to the parent group, where it was before, or,
 * where cgroup v2 refuses that, to the nearest ancestor that takes it. Groups under it go first. Dying processes leave a group a moment after their signal, hence
 * the retries.
 */
export const removeCgroup = async (path: string, {timeoutMs = 3000}: {timeoutMs?: number} = {}): Promise<CgroupRemoval> => {
	if (!isDir(path)) {
		return {removed: true, moved: []};
	}

	const moved: number[] = [];
	for (const child of readdirSync(path, {withFileTypes: true}).filter(entry => entry.isDirectory())) {
		const inner = await removeCgroup(join(path, child.name), {timeoutMs});
		moved.push(...inner.moved);
		if (!inner.removed) {
			return {...inner, moved};
		}
	}

	const deadline = Date.now() + timeoutMs;
	let problem = '';
	for (;;) {
		for (const pid of readProcsOf(path)) {
			if (moveUp(pid, path)) {
				moved.push(pid);
			}
		}

		try {
			rmdirSync(path);
			return {removed: true, moved: [...new Set(moved)]};
		} catch (error) {
			problem = (error as Error).message;
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				return {removed: true, moved: [...new Set(moved)]};
			}
		}

		if (Date.now() > deadline) {
			return {removed: false, moved: [...new Set(moved)], problem};
		}

		await new Promise(resolve => setTimeout(resolve, 50));
	}
};

/**
 * Moves a process out of `group` into the nearest ancestor that takes it. On cgroup v2 a group that
 * hands controllers down (`faas`, whose `cgroup.subtree_control` has `+pids +memory`) may hold no
 * process of its own, so the kernel refuses the parent with EBUSY; only the hierarchy's root is
 * exempt from that rule, and it is the last directory up with a `cgroup.procs`.
 */
function moveUp(pid: number, group: string): boolean {
	for (let dir = dirname(group); existsSync(join(dir, 'cgroup.procs')); dir = dirname(dir)) {
		try {
			writeFileSync(join(dir, 'cgroup.procs'), `${pid}\n`);
			return true;
		} catch {
			// Refused here (v2's rule above), or it ended meanwhile, or it is a kernel thread: try higher;
			// the next round sees what is still there.
		}

		if (dir === dirname(dir)) {
			break;
		}
	}

	return false;
}

function readProcsOf(path: string): number[] {
	try {
		return parseProcs(readFileSync(join(path, 'cgroup.procs'), 'utf8'));
	} catch {
		return [];
	}
}

function isDir(path: string): boolean {
	try {
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
}
