import {closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync} from 'node:fs';

/** One process as `/proc/PID/stat` and `/proc/PID/root` describe it. */
export type ProcessInfo = {
	pid: number;
	ppid: number;
	/** The process's root directory as the host sees it; undefined when unreadable. */
	root?: string;
	/** Clock ticks since boot (stat field 22): tells a reused PID apart. */
	startTime: number;
	/** The short command name (stat field 2). */
	command: string;
};

/** Parses `/proc/PID/stat`; the command may hold spaces and parentheses, so split after the last `)`. */
export function parseStat(text: string): {pid: number; command: string; ppid: number; startTime: number; flags: number} | undefined {
	const open = text.indexOf('(');
	const close = text.lastIndexOf(')');
	if (open === -1 || close < open) {
		return undefined;
	}

	// Fields after the command start at field 3 (state): ppid is field 4, flags field 9, starttime field 22.
	const rest = text.slice(close + 2).split(' ');
	const pid = Number.parseInt(text.slice(0, open), 10);
	const ppid = Number(rest[1]);
	const flags = Number(rest[6]);
	const startTime = Number(rest[19]);
	if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isInteger(flags) || !Number.isInteger(startTime)) {
		return undefined;
	}

	return {pid, command: text.slice(open + 1, close), ppid, startTime, flags};
}

/** The kernel's PF_KTHREAD flag: a kernel thread, which no lesson starts, enters or changes. */
const kernelThread = 0x00_20_00_00;

/**
 * Lists every process but the kernel's own threads (on a small machine most of /proc): none of
 * them is a container, a jail or a learner's shell, and each would cost a readlink of its root
 * here and of its namespaces in the jail and rootless searches. A process that ends while being
 * read is simply left out.
 */
export async function listProcesses({proc = '/proc'}: {proc?: string} = {}): Promise<ProcessInfo[]> {
	// Synchronous on purpose: /proc reads never block on disk, and the thread pool's overhead made the
	// asynchronous version three times slower for a few hundred processes.
	const processes: ProcessInfo[] = [];
	for (const pid of pidNames(proc)) {
		const stat = readStat(proc, pid);
		if (stat !== undefined && (stat.flags & kernelThread) === 0) {
			processes.push(describe(stat, readRoot(proc, pid)));
		}
	}

	return processes;
}

/** Lists only the processes whose root is `root` (a ` (deleted)` root counts), reading stat for those alone. */
export async function listProcessesRootedAt(root: string, {proc = '/proc'}: {proc?: string} = {}): Promise<ProcessInfo[]> {
	const processes: ProcessInfo[] = [];
	for (const pid of pidNames(proc)) {
		const own = readRoot(proc, pid);
		if (own !== undefined && stripDeleted(own) === root) {
			const stat = readStat(proc, pid);
			if (stat !== undefined) {
				processes.push(describe(stat, own));
			}
		}
	}

	return processes;
}

/** The kernel appends ` (deleted)` to a root removed after the process entered it. */
export function stripDeleted(root: string): string {
	return root.endsWith(deletedSuffix) ? root.slice(0, -deletedSuffix.length) : root;
}

const deletedSuffix = ' (deleted)';

/** One buffer for every stat read: a stat line is well under 1 KiB. */
const statBuffer = Buffer.alloc(4096);

function pidNames(proc: string): string[] {
	return readdirSync(proc).filter(name => name.codePointAt(0)! >= 48 && name.codePointAt(0)! <= 57);
}

function readRoot(proc: string, pid: string): string | undefined {
	try {
		return readlinkSync(`${proc}/${pid}/root`) || undefined;
	} catch {
		return undefined;
	}
}

function readStat(proc: string, pid: string): ReturnType<typeof parseStat> {
	let text;
	try {
		const fd = openSync(`${proc}/${pid}/stat`, 'r');
		try {
			text = statBuffer.toString('utf8', 0, readSync(fd, statBuffer, 0, statBuffer.length, 0));
		} finally {
			closeSync(fd);
		}
	} catch {
		// Gone between readdir and now.
		return undefined;
	}

	return parseStat(text);
}

function describe(stat: NonNullable<ReturnType<typeof parseStat>>, root: string | undefined): ProcessInfo {
	return {pid: stat.pid, ppid: stat.ppid, ...(root === undefined ? {} : {root}), startTime: stat.startTime, command: stat.command};
}

/** Reads the command line of one process (NULs become spaces); undefined when it is gone. */
export async function readCommandLine(pid: number, {proc = '/proc'}: {proc?: string} = {}): Promise<string | undefined> {
	try {
		// Synchronous, like every /proc read here: see listProcesses.
		return readFileSync(`${proc}/${pid}/cmdline`, 'utf8').replace(/\0+$/, '').replaceAll('\0', ' ');
	} catch {
		return undefined;
	}
}

/** A process's command name as it is now (`/proc/PID/comm`, changed by each exec); undefined when it is gone. */
export function readCommandName(pid: number, {proc = '/proc'}: {proc?: string} = {}): string | undefined {
	try {
		return readFileSync(`${proc}/${pid}/comm`, 'utf8').replace(/\n$/, '');
	} catch {
		return undefined;
	}
}

/** The innermost PID (last `NSpid` value of /proc/PID/status): 1 for a PID namespace's init. */
export async function readInnermostPid(pid: number, {proc = '/proc'}: {proc?: string} = {}): Promise<number | undefined> {
	try {
		const status = readFileSync(`${proc}/${pid}/status`, 'utf8');
		const line = /^NSpid:\s*(.+)$/m.exec(status)?.[1];
		return line === undefined ? undefined : Number(line.trim().split(/\s+/).at(-1));
	} catch {
		return undefined;
	}
}

/**
 * The PIDs of a process's children, from `/proc/PID/task/TID/children` of each of its threads
 * (a child belongs to the thread that forked it). Empty when the process is gone.
 */
export function childrenOf(pid: number, {proc = '/proc'}: {proc?: string} = {}): number[] {
	let threads: string[];
	try {
		threads = readdirSync(`${proc}/${pid}/task`);
	} catch {
		return [];
	}

	return threads.flatMap(thread => {
		try {
			return readFileSync(`${proc}/${pid}/task/${thread}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
		} catch {
			return [];
		}
	});
}

/**
 * The shell among a group of processes: a PID namespace's init first (the shell `unshare --fork`
 * started; an `nsenter`ed one is not), else one whose parent is outside the group, else any;
 * the newest of those.
 */
export async function pickShell(candidates: ProcessInfo[], {proc = '/proc'}: {proc?: string} = {}): Promise<ProcessInfo | undefined> {
	if (candidates.length <= 1) {
		return candidates[0];
	}

	const pids = new Set(candidates.map(candidate => candidate.pid));
	const inits = await Promise.all(candidates.map(async candidate => (await readInnermostPid(candidate.pid, {proc})) === 1));
	const preferred = candidates.filter((_, index) => inits[index]);
	const topmost = candidates.filter(candidate => !pids.has(candidate.ppid));
	const pool = preferred.length > 0 ? preferred : (topmost.length > 0 ? topmost : candidates);
	return pool.reduce((newest, candidate) => (candidate.startTime > newest.startTime ? candidate : newest));
}

/**
 * Whether a process still runs: not gone and not a zombie (`Z` in /proc/PID/stat), which has
 * exited and only waits for its parent to reap it. A shell that is PID 1 of its namespace reaps
 * the orphans it inherits only when it runs its next command.
 */
export function isRunning(pid: number, {proc = '/proc'}: {proc?: string} = {}): boolean {
	try {
		const stat = readFileSync(`${proc}/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
	} catch {
		return false;
	}
}
