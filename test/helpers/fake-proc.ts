import {mkdir, mkdtemp, rm, symlink, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {ExecutionContext} from 'ava';

/** Namespace links every fake process has unless it says otherwise: the host's. */
const hostNamespaces = {
	mnt: 'mnt:[4026531841]', pid: 'pid:[4026531836]', user: 'user:[4026531837]', net: 'net:[4026531840]', uts: 'uts:[4026531838]', ipc: 'ipc:[4026531839]', cgroup: 'cgroup:[4026531835]',
};

/** One process of a fake /proc tree; anything left out is the host's, or absent. */
export type FakeProcess = {
	ppid?: number;
	command?: string;
	/** Start time in clock ticks (stat field 22): the newest wins where that matters. */
	start?: number;
	/** `R`, `S`, or `Z` for a zombie. */
	state?: string;
	/** NSpid values, outermost first; the process's own PID alone by default. */
	nspid?: number[];
	ns?: Partial<Record<keyof typeof hostNamespaces, string>>;
	root?: string;
	cmdline?: string;
	mountinfo?: string;
	uid?: number;
	uidMap?: string;
	cgroup?: string;
	/** What `comm` says when read after the listing: the program an exec since then turned it into. */
	execedTo?: string;
};

/**
 * Builds a fake /proc tree in a temporary folder from plain data, removed when the test ends:
 * stat, status, cmdline, root and ns/* links, mountinfo, uid_map and cgroup, plus `self`.
 */
export async function fakeProc(t: ExecutionContext, processes: Record<number, FakeProcess>, self: number): Promise<string> {
	const proc = await mkdtemp(join(tmpdir(), 'rootcamp-fake-proc-'));
	t.teardown(async () => rm(proc, {recursive: true, force: true}));
	for (const [key, process] of Object.entries(processes)) {
		const pid = Number(key);
		const dir = join(proc, String(pid));
		await mkdir(join(dir, 'ns'), {recursive: true});
		const command = process.command ?? 'sh';
		const state = process.state ?? 'S';
		await writeFile(join(dir, 'stat'), `${pid} (${command}) ${state} ${process.ppid ?? 1} ${pid} ${pid} 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 ${process.start ?? pid} 0 0\n`);
		const uid = process.uid ?? 0;
		await writeFile(join(dir, 'status'), [
			`Name:\t${command}`,
			`State:\t${state === 'Z' ? 'Z (zombie)' : 'S (sleeping)'}`,
			`Pid:\t${pid}`,
			`PPid:\t${process.ppid ?? 1}`,
			`Uid:\t${uid}\t${uid}\t${uid}\t${uid}`,
			`Gid:\t${uid}\t${uid}\t${uid}\t${uid}`,
			`NSpid:\t${(process.nspid ?? [pid]).join('\t')}`,
			'',
		].join('\n'));
		await writeFile(join(dir, 'comm'), `${process.execedTo ?? command}\n`);
		await writeFile(join(dir, 'cmdline'), `${(process.cmdline ?? command).split(' ').join('\0')}\0`);
		await writeFile(join(dir, 'uid_map'), process.uidMap ?? '         0          0 4294967295\n');
		if (process.mountinfo !== undefined) {
			await writeFile(join(dir, 'mountinfo'), process.mountinfo);
		}

		if (process.cgroup !== undefined) {
			await writeFile(join(dir, 'cgroup'), process.cgroup);
		}

		await symlink(process.root ?? '/', join(dir, 'root'));
		for (const [kind, link] of Object.entries({...hostNamespaces, ...process.ns})) {
			await symlink(link, join(dir, 'ns', kind));
		}
	}

	await symlink(String(self), join(proc, 'self'));
	return proc;
}
