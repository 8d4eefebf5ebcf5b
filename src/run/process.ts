import {execa} from 'execa';

/** What a finished command left: its exit code, and whether the learner (or a signal) stopped it. */
export type ProcessResult = {exitCode: number; cancelled: boolean; output: string};

export type RunOptions = {
	onOutput?: (chunk: string) => void;
	signal?: AbortSignal;
	env?: Record<string, string>;
	cwd?: string;
	/** Grace time between SIGTERM and SIGKILL for the whole process group. */
	killAfterMs?: number;
};

/** Keeps the tail of the output for messages without holding gigabytes of `tar -v` in memory. */
const outputTailLimit = 64 * 1024;

/**
 * Runs argv in a process group of its own, streaming stdout and stderr as they come.
 * Cancelling ends the whole group (a `sh -c` script's children too: tar, apt, dpkg), so a
 * stopped step leaves no orphan still writing to the rootfs.
 */
export const runProcess = async (argv: string[], options: RunOptions = {}): Promise<ProcessResult> => {
	const [file, ...args] = argv;
	const child = execa(file!, args, {
		detached: true,
		reject: false,
		buffer: false,
		stdin: 'ignore',
		all: true,
		env: options.env,
		cwd: options.cwd,
		stripFinalNewline: false,
	});

	let tail = '';
	child.all?.setEncoding('utf8');
	child.all?.on('data', (chunk: string) => {
		tail = (tail + chunk).slice(-outputTailLimit);
		options.onOutput?.(chunk);
	});

	let cancelled = false;
	const endGroup = () => {
		cancelled = true;
		killGroup(child.pid, 'SIGTERM');
		const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), options.killAfterMs ?? 3000);
		timer.unref();
	};

	if (options.signal?.aborted) {
		endGroup();
	}

	options.signal?.addEventListener('abort', endGroup, {once: true});
	try {
		const result = await child;
		return {exitCode: result.exitCode ?? (cancelled ? 130 : 1), cancelled, output: tail};
	} finally {
		options.signal?.removeEventListener('abort', endGroup);
	}
};

/** Signals a process group by its leader's PID; a group already gone is not an error. */
const killGroup = (pid: number | undefined, signal: NodeJS.Signals) => {
	if (pid === undefined) {
		return;
	}

	try {
		process.kill(-pid, signal);
	} catch {}
};
