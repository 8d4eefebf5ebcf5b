import {spawn} from 'node:child_process';
import type {Where} from '../../lesson/types.ts';

/** How a check's command ended. */
export type CommandOutcome = {
	/** Exit code; undefined when it was killed (timeout) or could not start. */
	exitCode?: number;
	stdout: string;
	stderr: string;
	timedOut: boolean;
	/** Why it could not start (a missing `nsenter`, say). */
	error?: string;
};

/** Checks wait this long for a command before calling it hung. */
export const commandTimeout = 10_000;

/** The argv that runs `command` on the host, or inside the container of shell `pid` (all its namespaces and root). */
export function commandArgv(where: Where, command: string, pid?: number): string[] {
	if (where === 'host') {
		return ['sh', '-c', command];
	}

	if (pid === undefined) {
		throw new Error('no container to run the command in');
	}

	return ['nsenter', '-t', String(pid), '-a', '-r', '-w', '/bin/sh', '-c', command];
}

/** Runs a check's command with a timeout and collects its output; never throws. */
export async function runCheckCommand(where: Where, command: string, {pid, timeout = commandTimeout}: {pid?: number; timeout?: number} = {}): Promise<CommandOutcome> {
	return runArgv(commandArgv(where, command, pid), {timeout});
}

/** Runs a program (no shell) with a timeout and collects its output; never throws. */
export async function runArgv([file, ...args]: string[], {timeout = commandTimeout}: {timeout?: number} = {}): Promise<CommandOutcome> {
	// Its own process group, so a timeout also ends what the shell started (they hold the output pipes).
	const child = spawn(file!, args, {stdio: ['ignore', 'pipe', 'pipe'], detached: true});
	let stdout = '';
	let stderr = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		stdout = keep(stdout + chunk);
	});
	child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
		stderr = keep(stderr + chunk);
	});
	return new Promise(resolve => {
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			try {
				// The group this probe made (detached above), never anyone else's: run/ does the ending of steps.
				process.kill(-child.pid!, 'SIGKILL');
			} catch {}
		}, timeout);
		child.on('error', error => {
			clearTimeout(timer);
			const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `\`${file}\` was not found` : error.message;
			resolve({stdout, stderr, timedOut: false, error: reason});
		});
		// After a timeout resolve on exit: a process that left the group may still hold the pipes.
		child.on('exit', () => {
			if (timedOut) {
				clearTimeout(timer);
				resolve({stdout, stderr, timedOut: true});
			}
		});
		child.on('close', (code: number | null) => {
			clearTimeout(timer);
			if (!timedOut) {
				resolve(code === null ? {stdout, stderr, timedOut: false, error: 'killed by a signal'} : {exitCode: code, stdout, stderr, timedOut: false});
			}
		});
	});
}

/** Output beyond this is dropped: a check compares a few lines, not a flood. */
const outputLimit = 256 * 1024;

function keep(text: string): string {
	return text.length > outputLimit ? text.slice(0, outputLimit) : text;
}
