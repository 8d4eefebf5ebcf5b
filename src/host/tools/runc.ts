import {readdirSync, readFileSync, statSync} from 'node:fs';
import {isAbsolute, join, resolve} from 'node:path';
import {parseStat} from '../proc/processes.ts';

/** Where runc keeps the state of root's containers (`runc --root`'s default). */
export const runcStateRoot = '/run/runc';

/** A container runc made, as its state file says and /proc confirms. */
export type RuncContainer = {
	id: string;
	/** Host PID of the container's init (its `process.args`). */
	pid: number;
	/** The init's start time (stat field 22), which runc saves to tell a reused PID apart. */
	startTime: number;
	/** `root.path` as runc resolved it. */
	rootfs: string;
	/** The bundle directory, from the `bundle=` label runc keeps. */
	bundle?: string;
	/** Its init still runs (the same process, not a zombie): what `runc state` calls running. */
	running: boolean;
	/** The control group directories runc made for it, by controller. */
	cgroupPaths: string[];
};

type StateFile = {
	id?: unknown;
	init_process_pid?: unknown;
	init_process_start?: unknown;
	config?: {rootfs?: unknown; labels?: unknown};
	cgroup_paths?: unknown;
};

/**
 * Reads one container's `state.json` under runc's root: the file `runc state` itself reads. Read
 * directly rather than through `runc state`, which would start a process every round. Null when
 * runc has no such container.
 */
export function readRuncContainer(id: string, {root = runcStateRoot, proc = '/proc'}: {root?: string; proc?: string} = {}): RuncContainer | null {
	let state: StateFile;
	try {
		state = JSON.parse(readFileSync(join(root, id, 'state.json'), 'utf8')) as StateFile;
	} catch {
		return null;
	}

	const pid = Number(state.init_process_pid);
	const startTime = Number(state.init_process_start);
	if (!Number.isInteger(pid) || pid <= 0 || typeof state.config?.rootfs !== 'string') {
		return null;
	}

	const labels = Array.isArray(state.config.labels) ? state.config.labels.filter((label): label is string => typeof label === 'string') : [];
	const bundle = labels.find(label => label.startsWith('bundle='))?.slice('bundle='.length);
	const cgroups = typeof state.cgroup_paths === 'object' && state.cgroup_paths !== null ? Object.values(state.cgroup_paths).filter((path): path is string => typeof path === 'string') : [];
	return {
		id: typeof state.id === 'string' ? state.id : id,
		pid,
		startTime,
		rootfs: state.config.rootfs,
		...(bundle ? {bundle} : {}),
		running: initRuns(pid, startTime, proc),
		cgroupPaths: [...new Set(cgroups)],
	};
}

/** Every container runc knows of (each directory of its root with a state file). */
export function listRuncContainers({root = runcStateRoot, proc = '/proc'}: {root?: string; proc?: string} = {}): RuncContainer[] {
	let names: string[];
	try {
		names = readdirSync(root);
	} catch {
		return [];
	}

	return names.map(name => readRuncContainer(name, {root, proc})).filter(container => container !== null);
}

function initRuns(pid: number, startTime: number, proc: string): boolean {
	try {
		const text = readFileSync(`${proc}/${pid}/stat`, 'utf8');
		const stat = parseStat(text);
		return stat?.startTime === startTime && text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) !== 'Z';
	} catch {
		return false;
	}
}

/**
 * Whether a process's root is the directory `path` (the same device and inode): a runc
 * container's init has pivot_root'ed into it, so its root reads `/` from the host and only its
 * identity tells where it is.
 */
export function rootIs(pid: number, path: string, {proc = '/proc'}: {proc?: string} = {}): boolean {
	try {
		const [theirs, wanted] = [statSync(`${proc}/${pid}/root`), statSync(path)];
		return theirs.dev === wanted.dev && theirs.ino === wanted.ino;
	} catch {
		return false;
	}
}

/** The parts of an OCI bundle's config.json the runtime lesson asks for. */
export type BundleConfig = {
	/** `root.path` resolved (a relative one is relative to the bundle). */
	rootPath?: string;
	readonly?: boolean;
	terminal?: boolean;
	args: string[];
	/** `linux.cgroupsPath`: where runc makes the container's control groups (unset: one named after the container). */
	cgroupsPath?: string;
	/** The file did not parse as JSON: the message. */
	problem?: string;
};

/** Reads `DIR/config.json`; null when there is none. */
export function readBundle(dir: string): BundleConfig | null {
	let text: string;
	try {
		text = readFileSync(join(dir, 'config.json'), 'utf8');
	} catch {
		return null;
	}

	let config: {root?: {path?: unknown; readonly?: unknown}; process?: {terminal?: unknown; args?: unknown}; linux?: {cgroupsPath?: unknown}};
	try {
		config = JSON.parse(text) as typeof config;
	} catch (error) {
		return {args: [], problem: `config.json is not valid JSON: ${(error as Error).message}`};
	}

	const path = config.root?.path;
	const args = config.process?.args;
	return {
		...(typeof path === 'string' ? {rootPath: isAbsolute(path) ? path : resolve(dir, path)} : {}),
		...(typeof config.root?.readonly === 'boolean' ? {readonly: config.root.readonly} : {}),
		...(typeof config.process?.terminal === 'boolean' ? {terminal: config.process.terminal} : {}),
		args: Array.isArray(args) ? args.filter((arg): arg is string => typeof arg === 'string') : [],
		...(typeof config.linux?.cgroupsPath === 'string' ? {cgroupsPath: config.linux.cgroupsPath} : {}),
	};
}
