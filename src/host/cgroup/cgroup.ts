import {readFileSync, statSync} from 'node:fs';
import {basename, dirname, posix} from 'node:path';
import {decodeMountPath} from '../proc/mountinfo.ts';

/** The controllers the limits lesson uses. */
export const cgroupControllers = ['pids', 'memory'] as const;
export type CgroupController = (typeof cgroupControllers)[number];
export type CgroupVersion = 'v1' | 'v2';

/** A cgroup filesystem mounted on the host: a v1 hierarchy with its controllers, or the v2 one. */
export type CgroupMount = {target: string; version: CgroupVersion; controllers: string[]};

/**
 * Where the pids and memory controllers live. On v2 both are in one tree (`roots` names the
 * same directory twice); on v1 each has a hierarchy of its own. `base` is what lessons write as
 * `{{cgroupfs}}`: the v2 mount, or the folder holding the v1 `pids/` and `memory/` mounts.
 */
export type CgroupHierarchy =
	| {version: CgroupVersion; roots: Record<CgroupController, string>; base?: string}
	| {version: 'none'; reason: string};

/** One line of `/proc/PID/cgroup`: `hierarchy-id:controllers:path` (v2's line is `0::/path`). */
export type ProcCgroup = {id: number; controllers: string[]; path: string};

/** What a control group holds and how it is limited, read from its files. */
export type CgroupGroup = {
	name: string;
	version: CgroupVersion;
	/** The group's directory per controller (v2: the same directory for both). */
	dirs: Record<CgroupController, string>;
	/** Controllers the group has: its directory exists (v1), or its cgroup.controllers lists it (v2). */
	controllers: CgroupController[];
	/** Host PIDs of the processes in the group (every controller's cgroup.procs, merged). */
	procs: number[];
	pidsMax?: number | 'max';
	memoryMax?: number | 'max';
	/** Forks the pids limit refused (`max` in pids.events). */
	forksRefused?: number;
	/** Processes the memory limit's OOM killer ended (`oom_kill`). */
	oomKills?: number;
};

/** Mount options of a v1 cgroup mount that are not controllers. */
const notControllers = new Set(['rw', 'ro', 'noprefix', 'clone_children', 'xattr', 'cpuset_v2_mode', 'favordynmods']);

/** The cgroup filesystems in a mountinfo text; a v1 mount's controllers are its super options. */
export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
	const mounts: CgroupMount[] = [];
	for (const line of mountinfo.split('\n')) {
		const fields = line.trim().split(' ');
		const dash = fields.indexOf('-', 6);
		const fstype = fields[dash + 1];
		if (dash === -1 || (fstype !== 'cgroup' && fstype !== 'cgroup2')) {
			continue;
		}

		const target = decodeMountPath(fields[4]!);
		const controllers = fstype === 'cgroup'
			? (fields[dash + 3] ?? '').split(',').filter(option => option !== '' && !option.includes('=') && !notControllers.has(option))
			: [];
		mounts.push({target, version: fstype === 'cgroup' ? 'v1' : 'v2', controllers});
	}

	return mounts;
}

/**
 * Decides where pids and memory live: both on v1 hierarchies (a v1 or hybrid host, where an
 * empty cgroup2 at /sys/fs/cgroup/unified does not count), or both in a cgroup2 tree whose root
 * offers them. `controllersOf` reads a cgroup2 mount's `cgroup.controllers`.
 */
export function chooseHierarchy(mounts: CgroupMount[], controllersOf: (target: string) => string[]): CgroupHierarchy {
	const onV1 = (controller: CgroupController) => mounts.find(mount => mount.version === 'v1' && mount.controllers.includes(controller));
	const pids = onV1('pids');
	const memory = onV1('memory');
	if (pids && memory) {
		const shared = dirname(pids.target) === dirname(memory.target) && basename(pids.target) === 'pids' && basename(memory.target) === 'memory';
		return {version: 'v1', roots: {pids: pids.target, memory: memory.target}, ...(shared ? {base: dirname(pids.target)} : {})};
	}

	const v2 = mounts.filter(mount => mount.version === 'v2').sort((a, b) => a.target.length - b.target.length);
	const offered = v2.map(mount => ({mount, controllers: safely(() => controllersOf(mount.target))}));
	const full = offered.find(({controllers}) => !pids && !memory && cgroupControllers.every(controller => controllers.includes(controller)));
	if (full) {
		return {version: 'v2', roots: {pids: full.mount.target, memory: full.mount.target}, base: full.mount.target};
	}

	if (pids || memory) {
		const [there, missing] = pids ? ['pids', 'memory'] : ['memory', 'pids'];
		return {version: 'none', reason: `the ${there} controller is on a cgroup v1 hierarchy but ${missing} is not: rootcamp needs both in one kind of hierarchy`};
	}

	if (offered.length > 0) {
		const {mount, controllers} = offered[0]!;
		return {version: 'none', reason: `cgroup2 is mounted on ${mount.target}, but its root offers only "${controllers.join(' ') || 'no controllers'}", not pids and memory (are they bound to a v1 hierarchy, or is this a container?)`};
	}

	return {version: 'none', reason: 'no cgroup filesystem is mounted (mount -t cgroup2 none /sys/fs/cgroup)'};
}

/** Reads where this host's pids and memory controllers are (synchronous: the engine needs it to pick command blocks). */
export function readCgroupHierarchy({proc = '/proc'}: {proc?: string} = {}): CgroupHierarchy {
	let mountinfo: string;
	try {
		mountinfo = readFileSync(`${proc}/self/mountinfo`, 'utf8');
	} catch (error) {
		return {version: 'none', reason: `cannot read the mount table: ${(error as Error).message}`};
	}

	return chooseHierarchy(parseCgroupMounts(mountinfo), target => readFileSync(`${target}/cgroup.controllers`, 'utf8').trim().split(/\s+/).filter(Boolean));
}

/** Parses `/proc/PID/cgroup`. */
export function parseProcCgroup(text: string): ProcCgroup[] {
	const entries: ProcCgroup[] = [];
	for (const line of text.split('\n')) {
		const match = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
		if (match) {
			entries.push({id: Number(match[1]), controllers: match[2] === '' ? [] : match[2]!.split(','), path: match[3]!});
		}
	}

	return entries;
}

/** The group a process is in for one controller, as `/proc/PID/cgroup` says (`/rootcamp`). */
export function groupOf(entries: ProcCgroup[], version: CgroupVersion, controller: CgroupController): string | undefined {
	const entry = version === 'v2'
		? entries.find(candidate => candidate.id === 0 && candidate.controllers.length === 0)
		: entries.find(candidate => candidate.controllers.includes(controller));
	return entry?.path;
}

/** Reads `/proc/PID/cgroup`; null when the process is gone. */
export async function readProcCgroup(pid: number, {proc = '/proc'}: {proc?: string} = {}): Promise<ProcCgroup[] | null> {
	try {
		return parseProcCgroup(readFileSync(`${proc}/${pid}/cgroup`, 'utf8'));
	} catch {
		return null;
	}
}

/** A group's name as lessons write it (`rootcamp`, `rootcamp/box`): never absolute, never through `..`. */
export function isGroupName(name: string): boolean {
	return /^[\w.-]+(?:\/[\w.-]+)*$/.test(name) && !name.split('/').some(part => part === '.' || part === '..');
}

/** The directories a group has (or would have) in this hierarchy, one per controller. */
export function groupDirs(hierarchy: Extract<CgroupHierarchy, {roots: unknown}>, name: string): Record<CgroupController, string> {
	return {pids: posix.join(hierarchy.roots.pids, name), memory: posix.join(hierarchy.roots.memory, name)};
}

/** The file that holds each limit, by hierarchy: v1 spells memory's limit `memory.limit_in_bytes`. */
export const limitFiles: Record<CgroupVersion, {pids: string; memory: string}> = {
	v2: {pids: 'pids.max', memory: 'memory.max'},
	v1: {pids: 'pids.max', memory: 'memory.limit_in_bytes'},
};

/** v1 writes "no limit" as a huge page-aligned number (9223372036854771712); anything this large is no limit. */
const unlimited = 2 ** 62;

/** Parses a limit file: `max`, or a number of processes or bytes. */
export function parseLimit(text: string): number | 'max' | undefined {
	const value = text.trim();
	if (value === 'max') {
		return 'max';
	}

	if (!/^\d+$/.test(value)) {
		return undefined;
	}

	const number = Number(value);
	return number >= unlimited ? 'max' : number;
}

/** Parses `key value` lines (pids.events, memory.events, memory.oom_control). */
export function parseKeyed(text: string): Record<string, number> {
	const values: Record<string, number> = {};
	for (const line of text.split('\n')) {
		const match = /^(\S+)\s+(\d+)$/.exec(line.trim());
		if (match) {
			values[match[1]!] = Number(match[2]);
		}
	}

	return values;
}

/** Parses `cgroup.procs`: one PID a line. */
export function parseProcs(text: string): number[] {
	return text.split('\n').map(line => line.trim()).filter(line => /^\d+$/.test(line)).map(Number);
}

/** Reads a control group's files; null when it exists in no controller's hierarchy. */
export async function readCgroupGroup(hierarchy: CgroupHierarchy, name: string): Promise<CgroupGroup | null> {
	if (hierarchy.version === 'none') {
		return null;
	}

	const dirs = groupDirs(hierarchy, name);
	const exists = await Promise.all(cgroupControllers.map(async controller => isDir(dirs[controller])));
	if (!exists.some(Boolean)) {
		return null;
	}

	const read = async (controller: CgroupController, file: string) => {
		try {
			return readFileSync(`${dirs[controller]}/${file}`, 'utf8');
		} catch {
			return undefined;
		}
	};

	const {version} = hierarchy;
	let controllers: CgroupController[];
	if (version === 'v2') {
		const listed = (await read('pids', 'cgroup.controllers'))?.trim().split(/\s+/) ?? [];
		controllers = cgroupControllers.filter(controller => listed.includes(controller));
	} else {
		controllers = cgroupControllers.filter((_, index) => exists[index]);
	}

	const procDirs = version === 'v2' ? ['pids' as const] : controllers;
	const procs = [...new Set((await Promise.all(procDirs.map(async controller => parseProcs(await read(controller, 'cgroup.procs') ?? '')))).flat())].sort((a, b) => a - b);
	const [pidsMax, memoryMax, pidsEvents, memoryEvents] = await Promise.all([
		read('pids', limitFiles[version].pids),
		read('memory', limitFiles[version].memory),
		read('pids', 'pids.events'),
		read('memory', version === 'v2' ? 'memory.events' : 'memory.oom_control'),
	]);
	const group: CgroupGroup = {name, version, dirs, controllers, procs};
	const limit = (text: string | undefined) => (text === undefined ? undefined : parseLimit(text));
	const pids = limit(pidsMax);
	const memory = limit(memoryMax);
	if (pids !== undefined) {
		group.pidsMax = pids;
	}

	if (memory !== undefined) {
		group.memoryMax = memory;
	}

	if (pidsEvents !== undefined) {
		group.forksRefused = parseKeyed(pidsEvents).max ?? 0;
	}

	if (memoryEvents !== undefined) {
		group.oomKills = parseKeyed(memoryEvents).oom_kill ?? 0;
	}

	return group;
}

/** `32M` → 33554432; `max` stays `max`. Suffixes as the kernel reads them (K, M, G, either case). */
export function parseSize(text: string): number | 'max' | undefined {
	if (text === 'max') {
		return 'max';
	}

	const match = /^(\d+)([kmg]?)$/i.exec(text);
	if (!match) {
		return undefined;
	}

	const power = {'': 0, k: 1, m: 2, g: 3}[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
	return Number(match[1]) * 1024 ** power;
}

/** Bytes the way a limit is written: `32M`, `1G`, `4096`. */
export function formatLimit(value: number | 'max' | undefined): string {
	if (value === undefined) {
		return 'unreadable';
	}

	if (value === 'max') {
		return 'max';
	}

	for (const [suffix, size] of [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
		if (value >= size && value % size === 0) {
			return `${value / size}${suffix}`;
		}
	}

	return String(value);
}

function safely(read: () => string[]): string[] {
	try {
		return read();
	} catch {
		return [];
	}
}

async function isDir(path: string): Promise<boolean> {
	try {
		return statSync(path).isDirectory();
	} catch {
		return false;
	}
}

/** The controllers a v2 group hands down to the groups under it (`cgroup.subtree_control`); none when unreadable. */
export function readSubtreeControl(dir: string): string[] {
	try {
		return readFileSync(`${dir}/cgroup.subtree_control`, 'utf8').split(/\s+/).filter(Boolean);
	} catch {
		return [];
	}
}
