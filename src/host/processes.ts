import {readdir, readFile, readlink} from 'node:fs/promises';

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
export function parseStat(text: string): {pid: number; command: string; ppid: number; startTime: number} | undefined {
	const open = text.indexOf('(');
	const close = text.lastIndexOf(')');
	if (open === -1 || close < open) {
		return undefined;
	}

	// Fields after the command start at field 3 (state): ppid is field 4, starttime field 22.
	const rest = text.slice(close + 2).split(' ');
	const pid = Number.parseInt(text.slice(0, open), 10);
	const ppid = Number(rest[1]);
	const startTime = Number(rest[19]);
	if (!Number.isInteger(pid) || !Number.isInteger(ppid) || !Number.isInteger(startTime)) {
		return undefined;
	}

	return {pid, command: text.slice(open + 1, close), ppid, startTime};
}

/** Lists every process; one that ends while being read is simply left out. */
export async function listProcesses({proc = '/proc'}: {proc?: string} = {}): Promise<ProcessInfo[]> {
	const names = await readdir(proc);
	const processes = await Promise.all(names.filter(name => /^\d+$/.test(name)).map(async name => readProcess(proc, name)));
	return processes.filter(info => info !== undefined);
}

/** Reads the command line of one process (NULs become spaces); undefined when it is gone. */
export async function readCommandLine(pid: number, {proc = '/proc'}: {proc?: string} = {}): Promise<string | undefined> {
	try {
		return (await readFile(`${proc}/${pid}/cmdline`, 'utf8')).replace(/\0+$/, '').replaceAll('\0', ' ');
	} catch {
		return undefined;
	}
}

/** The innermost PID (last `NSpid` value of /proc/PID/status): 1 for a PID namespace's init. */
export async function readInnermostPid(pid: number, {proc = '/proc'}: {proc?: string} = {}): Promise<number | undefined> {
	try {
		const status = await readFile(`${proc}/${pid}/status`, 'utf8');
		const line = /^NSpid:\s*(.+)$/m.exec(status)?.[1];
		return line === undefined ? undefined : Number(line.trim().split(/\s+/).at(-1));
	} catch {
		return undefined;
	}
}

async function readProcess(proc: string, name: string): Promise<ProcessInfo | undefined> {
	const [stat, root] = await Promise.all([
		readFile(`${proc}/${name}/stat`, 'utf8').catch(() => undefined),
		readlink(`${proc}/${name}/root`).catch(() => undefined),
	]);
	const parsed = stat === undefined ? undefined : parseStat(stat);
	if (parsed === undefined) {
		return undefined;
	}

	return {pid: parsed.pid, ppid: parsed.ppid, root: root === '' ? undefined : root, startTime: parsed.startTime, command: parsed.command};
}
