import {spawnSync} from 'node:child_process';
import {existsSync, readFileSync, rmSync} from 'node:fs';
import {UsageError} from '../errors.ts';
import {parseMountinfo} from '../host/proc/mountinfo.ts';
import type {Paths} from '../workshop/paths.ts';
import {planGroups, removeGroups} from './cgroups.ts';
import {rootlessIdMap, unshareUserOptions, type IdMap} from './id-map.ts';
import {sandboxLayout} from './layout.ts';
import {stopNetwork} from './network.ts';
import {holderAlive, processesIn, readRecord, ticksSinceBoot, type SandboxRecord} from './record.ts';

export type Removal = {done: string[]; left: string[]};

const sleep = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

const under = (path: string, dir: string) => path === dir || path.startsWith(`${dir}/`);

/** The host's mounts under `dir`: a sandbox's are in its own mount namespace, so any here is not its. */
const hostMountsUnder = (dir: string, proc = '/proc'): string[] =>
	parseMountinfo(readFileSync(`${proc}/self/mountinfo`, 'utf8')).map(mount => mount.target).filter(target => under(target, dir));

/**
 * Deletes the sandbox's folder. In a rootless sandbox with subordinate ids, what it gave to them
 * (a `chown` inside, tar keeping a tarball's owners) is not its maker's on the host, who may not
 * empty a directory one of them owns: root of a user namespace with the same map may, so the
 * rest is deleted from one.
 */
const deleteFolder = (dir: string, idMap: IdMap | undefined) => {
	try {
		rmSync(dir, {recursive: true, force: true});
	} catch (error) {
		if (!idMap) {
			throw error;
		}

		spawnSync('unshare', [...unshareUserOptions(idMap), 'rm', '-rf', '--', dir]);
	}
};

/**
 * Ends every process of the sandbox: SIGKILL to the holder, PID 1 of its PID namespace, takes the
 * whole namespace with it; `unshare` and `nsenter`, which wait outside it, then end by
 * themselves. Whatever is still in one of its namespaces after `timeout` ms is killed too (only
 * rootcamp's own entering tools can be). Returns the PIDs that outlived even that.
 */
const endProcesses = async (record: SandboxRecord, timeout = 5000): Promise<number[]> => {
	// Nothing that starts after this can be the sandbox's: the holder is about to die, and with it the namespaces.
	const now = ticksSinceBoot();
	if (holderAlive(record)) {
		process.kill(record.holder, 'SIGKILL');
	}

	const deadline = Date.now() + timeout;
	let killedStragglers = false;
	for (;;) {
		const left = processesIn(record, now);
		if (left.length === 0) {
			return [];
		}

		if (Date.now() > deadline) {
			if (killedStragglers) {
				return left;
			}

			for (const pid of left) {
				process.kill(pid, 'SIGKILL');
			}

			killedStragglers = true;
		}

		await sleep(20);
	}
};

/**
 * `sandbox rm NAME`: every process, then the control groups, then the folder, which is deleted
 * only once no process is left in the sandbox's namespaces (so nothing is mounted under it in
 * any of them) and the host's own mount table has nothing under it either. Says what it did and
 * what, if anything, is still there.
 */
export const removeSandbox = async (paths: Paths, name: string): Promise<Removal> => {
	const layout = sandboxLayout(paths, name);
	if (!existsSync(layout.dir)) {
		throw new UsageError(`there is no sandbox ${name} (rootcamp sandbox list shows them)`);
	}

	const done: string[] = [];
	const left: string[] = [];
	const record = readRecord(layout);
	if (record) {
		const {network} = record;
		if (network && 'pid' in network && await stopNetwork(network)) {
			done.push(`ended its user-mode network (slirp4netns pid ${network.pid})`);
		}

		const living = await endProcesses(record);
		if (living.length > 0) {
			left.push(`processes still in its namespaces: pid ${living.join(', ')}`);
		} else {
			done.push(`ended its processes (holder pid ${record.holder} and everything in its namespaces)`);
		}
	}

	const groups = record?.groups ?? planGroups(name);
	const groupsLeft = await removeGroups(groups);
	left.push(...groupsLeft.map(group => `control group ${group}`));
	if (groupsLeft.length === 0 && groups.roots.length > 0) {
		done.push(`removed its control groups ${groups.roots.join(', ')}`);
	}

	const mounted = hostMountsUnder(layout.dir);
	if (mounted.length > 0) {
		left.push(`kept ${layout.dir}: the host has mounts under it (${mounted.join(', ')})`);
	} else if (left.length > 0) {
		left.push(`kept ${layout.dir}: its processes or groups are not all gone`);
	} else {
		deleteFolder(layout.dir, record ? record.idMap : rootlessIdMap());
		done.push(`deleted ${layout.dir}`);
		if (existsSync(layout.dir)) {
			left.push(`${layout.dir} is still there`);
		}
	}

	return {done, left};
};
