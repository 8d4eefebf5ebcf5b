import {spawn} from 'node:child_process';
import {closeSync, constants, openSync, readFileSync, rmSync, statSync, writeSync} from 'node:fs';
import {join} from 'node:path';
import {runProcess} from './process.ts';

/** A container shell rootcamp started and keeps alive in the background. */
export type StartedContainer = {
	/** PID of the `unshare` process (the launcher `sh` execs into it). */
	launcherPid: number;
	/** Where the shell's own output goes: the message when it fails to start, and what typed commands print. */
	log: string;
	/** The FIFO the shell reads its input from: rootcamp types `in-shell` commands into it. */
	stdin: string;
};

const quote = (text: string) => `'${text.replaceAll('\'', String.raw`'\''`)}'`;

/**
 * Starts the write-up's exact `unshare … chroot ROOTFS /bin/bash` in a session of its own (or,
 * with `name`, a side shell such as the jail, started from `cwd` as a learner's second terminal).
 * Its stdin is a FIFO opened read-write by its own redirection: the shell waits on it forever
 * and never reads end-of-file, so it stays alive after rootcamp exits, like a learner's shell
 * in another terminal. rootcamp types into that FIFO the few commands that must change the shell
 * itself (`export PATH=…`); `reset` removes it.
 */
export const launchContainer = async (commandLine: string, runDir: string, {name = 'container', cwd}: {name?: string; cwd?: string} = {}): Promise<StartedContainer> => {
	const stamp = `${process.pid}-${Date.now()}`;
	const fifo = join(runDir, `${name}-${stamp}.stdin`);
	const log = join(runDir, `${name}-${stamp}.log`);
	const made = await runProcess(['mkfifo', '-m', '600', fifo]);
	if (made.exitCode !== 0) {
		throw new Error(`cannot make the container's stdin (${fifo}): ${made.output.trim()}`);
	}

	const launcher = spawn('sh', ['-c', `exec ${commandLine} <>${quote(fifo)} >${quote(log)} 2>&1`], {
		detached: true,
		stdio: 'ignore',
		env: {...process.env, PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'},
		...(cwd === undefined ? {} : {cwd}),
	});
	launcher.unref();
	const launcherPid = launcher.pid;
	if (launcherPid === undefined) {
		throw new Error(`could not start: ${commandLine}`);
	}

	return {launcherPid, log, stdin: fifo};
};

/** Waits until `found()` yields a shell, or fails with the launcher's own words if it died first. */
export const waitForShell = async <T>(
	started: StartedContainer,
	found: () => Promise<T | undefined>,
	timeoutMs = 5000,
): Promise<T> => {
	const deadline = Date.now() + timeoutMs;
	try {
		for (;;) {
			const shell = await found();
			if (shell !== undefined) {
				return shell;
			}

			if (!isAlive(started.launcherPid) || Date.now() > deadline) {
				const words = readLog(started.log).trim();
				throw new Error(`the container did not start${words ? `: ${words}` : ' in time'}`);
			}

			await new Promise(resolve => setTimeout(resolve, 25));
		}
	} catch (error) {
		rmSync(started.stdin, {force: true});
		rmSync(started.log, {force: true});
		throw error;
	}
};

/**
 * Types a script into a shell rootcamp started, as the learner would type it, and returns what
 * the shell printed since. The shell holds its FIFO open for reading and writing, so opening it
 * here never blocks.
 */
/** How long a typed block may take to settle: a memory hog in a slow (emulated) machine's 32M group needs more than 10 s. */
const settleTimeoutMs = 60_000;

export const typeIntoShell = async (started: {stdin: string; log: string}, script: string, settle: () => Promise<boolean>, timeoutMs = settleTimeoutMs): Promise<string> => {
	const before = sizeOf(started.log);
	const fd = openSync(started.stdin, constants.O_WRONLY | constants.O_NONBLOCK);
	try {
		writeSync(fd, `${script}\n`);
	} finally {
		closeSync(fd);
	}

	const deadline = Date.now() + timeoutMs;
	while (!await settle() && Date.now() < deadline) {
		await new Promise(resolve => setTimeout(resolve, 50));
	}

	return readFrom(started.log, before);
};

const sizeOf = (path: string) => {
	try {
		return statSync(path).size;
	} catch {
		return 0;
	}
};

const readFrom = (path: string, offset: number) => {
	try {
		return readFileSync(path).subarray(offset).toString('utf8');
	} catch {
		return '';
	}
};

const readLog = (path: string) => {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return '';
	}
};

/** True while a PID names a live process (a zombie counts as gone). */
export const isAlive = (pid: number): boolean => {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
	} catch {
		return false;
	}
};
