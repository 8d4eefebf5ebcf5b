import {readdirSync, readFileSync, rmdirSync, statSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {parseProcs} from '../host/cgroup/cgroup.ts';
import {existingDirs} from './isolation.ts';
import type {WorkshopEngine} from './workshop.ts';

/** What removing one control group directory did. */
export type CgroupRemoval = {removed: boolean; moved: number[]; problem?: string};

/**
 * Removes a control group directory rootcamp made. A group that still holds processes cannot be
 * removed, and killing them is not rootcamp's to do (reset has already ended its own shells, so
 * what is left is someone else's): each is moved up to the parent group, where it was before.
 * Groups under it go first. Dying processes leave a group a moment after their signal, hence
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
			try {
				writeFileSync(join(dirname(path), 'cgroup.procs'), `${pid}\n`);
				moved.push(pid);
			} catch {
				// It ended meanwhile, or it is a kernel thread: the next round sees.
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

/** Groups the lessons name that exist but are not rootcamp's: made by hand, left for the learner. */
export const cgroupLeftovers = async (engine: WorkshopEngine): Promise<string[]> => {
	const journaled = new Set(engine.journal.entries().flatMap(entry => (entry.kind === 'cgroup' ? [entry.path] : [])));
	const probes = engine.probes();
	const found: string[] = [];
	for (const name of engine.isolationWatch().cgroups) {
		const dirs = existingDirs(await probes.cgroup(name).catch(() => null)).filter(dir => !journaled.has(dir));
		if (dirs.length > 0) {
			found.push(`the control group ${name} was not made by rootcamp: move its processes out (echo PID > ${dirname(dirs[0]!)}/cgroup.procs), then rmdir ${dirs.join(' ')}`);
		}
	}

	return found;
};

/** Side shells that run but that rootcamp did not start: the learner's own, which reset never ends. */
export const sideShellLeftovers = async (engine: WorkshopEngine): Promise<string[]> => {
	const probes = engine.probes();
	const shells = engine.isolationWatch().shells;
	const [jail, rootless] = await Promise.all([
		shells.includes('jail') ? probes.jail() : null,
		shells.includes('rootless') ? probes.rootless() : null,
	]);
	const found: string[] = [];
	for (const [name, shell] of [['jail', jail], ['rootless', rootless]] as const) {
		if (shell !== null) {
			found.push(`a ${name} shell rootcamp did not start still runs (pid ${shell.pid}): type exit in its terminal, or kill -9 ${shell.pid}`);
		}
	}

	return found;
};

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
