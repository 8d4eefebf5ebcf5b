import {readdirSync, readFileSync, readlinkSync} from 'node:fs';
import {parseStat} from '../host/proc/processes.ts';
import {readJsonOrSetAside, writeJsonAtomic} from '../workshop/atomic-file.ts';
import type {SandboxGroups} from './cgroups.ts';
import type {IdMap} from './id-map.ts';
import type {SandboxLayout} from './layout.ts';

/** The user-mode network of a sandbox: slirp4netns on the host, holding the tap device inside (network.ts). */
export type SandboxNetwork = {pid: number; startTime: number} | {missing: string};

/** What sandbox.json keeps: enough to enter the sandbox, and to prove later that everything of it is gone. */
export type SandboxRecord = {
	name: string;
	/** The holder's PID on the host: PID 1 of the sandbox's PID namespace. */
	holder: number;
	/** Its start time (clock ticks since boot), so a reused PID is never taken for it. */
	startTime: number;
	/** Its namespaces as `readlink /proc/PID/ns/KIND` says (`mnt:[4026532…]`). */
	namespaces: Record<'mnt' | 'net' | 'pid', string>;
	groups: SandboxGroups;
	/** Its user-mode network's process, or why it has none. */
	network?: SandboxNetwork;
	/** Made by an ordinary user, on a user namespace mapping that user to root inside. */
	rootless?: boolean;
	/** A rootless sandbox's subordinate ids (uids and gids 1 and up inside); absent where it maps its maker alone. */
	idMap?: IdMap;
	created: string;
};

const isRecord = (value: unknown): value is SandboxRecord => typeof value === 'object' && value !== null
	&& typeof (value as SandboxRecord).holder === 'number' && typeof (value as SandboxRecord).namespaces?.mnt === 'string'
	&& Array.isArray((value as SandboxRecord).groups?.roots);

export const readRecord = (layout: SandboxLayout): SandboxRecord | undefined => readJsonOrSetAside(layout.file, isRecord).value;

export const writeRecord = (layout: SandboxLayout, record: SandboxRecord) => {
	writeJsonAtomic(layout.file, record);
};

/** A process's start time, or undefined once it has ended (a zombie has ended too: it holds no namespace). */
export const startTimeOf = (pid: number, proc = '/proc'): number | undefined => {
	try {
		const text = readFileSync(`${proc}/${pid}/stat`, 'utf8');
		return /^\d+ \(.*\) Z /s.test(text) ? undefined : parseStat(text)?.startTime;
	} catch {
		return undefined;
	}
};

const namespaceOf = (pid: number | string, kind: string, proc: string): string | undefined => {
	try {
		return readlinkSync(`${proc}/${pid}/ns/${kind}`);
	} catch {
		return undefined;
	}
};

export const readNamespaceLinks = (pid: number, proc = '/proc'): SandboxRecord['namespaces'] | undefined => {
	const [mnt, net, pidNs] = ['mnt', 'net', 'pid'].map(kind => namespaceOf(pid, kind, proc));
	return mnt && net && pidNs ? {mnt, net, pid: pidNs} : undefined;
};

/** The holder still runs: same PID, same start, same mount namespace. */
export const holderAlive = (record: SandboxRecord, proc = '/proc'): boolean =>
	startTimeOf(record.holder, proc) === record.startTime && namespaceOf(record.holder, 'mnt', proc) === record.namespaces.mnt;

/** Now, in the clock ticks of a process's start time (USER_HZ, 100 on every Linux ABI). */
export const ticksSinceBoot = (proc = '/proc'): number => Math.ceil(Number(readFileSync(`${proc}/uptime`, 'utf8').split(' ')[0]) * 100);

/**
 * Every process on the host that is in both the sandbox's mount and network namespaces: those
 * `sandbox rm` must see end. Besides the PID namespace's own, `unshare` (which waits for the
 * holder) and `nsenter` (which waits for what it started) are there from outside it; the
 * lessons' containers, in namespaces of their own, are in the sandbox's control groups. Once
 * the sandbox is gone the kernel reuses its namespaces' inode numbers, so a match counts only
 * for a process that started before `startedBy` (ticks since boot) and is in both.
 */
export const processesIn = (record: SandboxRecord, startedBy = Number.POSITIVE_INFINITY, proc = '/proc'): number[] => {
	const pids: number[] = [];
	for (const name of readdirSync(proc)) {
		if (!/^\d+$/.test(name)) {
			continue;
		}

		const inside = namespaceOf(name, 'mnt', proc) === record.namespaces.mnt && namespaceOf(name, 'net', proc) === record.namespaces.net;
		const started = inside ? startTimeOf(Number(name), proc) : undefined;
		if (started !== undefined && started <= startedBy) {
			pids.push(Number(name));
		}
	}

	return pids;
};
