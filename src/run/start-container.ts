import {spawn} from 'node:child_process';
import {readFileSync, unlinkSync} from 'node:fs';
import {join} from 'node:path';
import {runProcess} from './process.ts';

/** A container shell rootcamp started and keeps alive in the background. */
export type StartedContainer = {
	/** PID of the `unshare` process (the launcher `sh` execs into it). */
	launcherPid: number;
	/** Where the shell's own output goes, for the message when it fails to start. */
	log: string;
};

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Starts the write-up's exact `unshare … chroot ROOTFS /bin/bash` in a session of its own.
 * Its stdin is a FIFO opened read-write by its own redirection: the shell waits on it forever
 * and never reads end-of-file, so it stays alive after rootcamp exits, like a learner's shell
 * in another terminal. The FIFO's name is removed at once; the open descriptor is all it needs.
 */
export const launchContainer = async (commandLine: string, runDir: string): Promise<StartedContainer> => {
	const stamp = `${process.pid}-${Date.now()}`;
	const fifo = join(runDir, `container-${stamp}.stdin`);
	const log = join(runDir, `container-${stamp}.log`);
	const made = await runProcess(['mkfifo', '-m', '600', fifo]);
	if (made.exitCode !== 0) {
		throw new Error(`cannot make the container's stdin (${fifo}): ${made.output.trim()}`);
	}

	const launcher = spawn('sh', ['-c', `exec ${commandLine} <>${quote(fifo)} >${quote(log)} 2>&1`], {
		detached: true,
		stdio: 'ignore',
		env: {...process.env, PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'},
	});
	launcher.unref();
	const launcherPid = launcher.pid;
	if (launcherPid === undefined) {
		throw new Error(`could not start: ${commandLine}`);
	}

	return {launcherPid, log};
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
	} finally {
		removeFifo(started.log);
	}
};

const removeFifo = (log: string) => {
	try {
		unlinkSync(log.replace(/\.log$/, '.stdin'));
	} catch {}
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
