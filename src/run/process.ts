import {closeSync, mkdtempSync, openSync, readSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {StringDecoder} from 'node:string_decoder';
import {execa} from 'execa';
import {killGroup} from './signal.ts';

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

/** How often the output file is read while the command runs: live enough for a person to watch. */
const followEveryMs = 50;

/**
 * A file both of the command's output streams write to, already unlinked: nothing is left on
 * the disk however rootcamp ends, and the open descriptors keep it alive until the run is over.
 * Not a pipe: `tar -v` and apt write a line per write(), and a pipe wakes rootcamp for each of
 * them (measured: `tar -xvf` of a 180 MiB rootfs took 100 ms longer through a pipe than into a
 * file). A file takes the writes at the kernel's pace, and rootcamp reads it in large pieces.
 */
function outputFile(): {write: number; read: number; close(): void} {
	const dir = mkdtempSync(join(tmpdir(), 'rootcamp-run-'));
	const path = join(dir, 'output');
	const write = openSync(path, 'a', 0o600);
	const read = openSync(path, 'r');
	rmSync(dir, {recursive: true, force: true});
	return {
		write,
		read,
		close() {
			closeSync(write);
			closeSync(read);
		},
	};
}

/** Reads whatever the command has written since the last call, as text (a character cut in two waits for its end). */
function follower(fd: number, onText: (text: string) => void): () => void {
	const decoder = new StringDecoder('utf8');
	const buffer = Buffer.alloc(256 * 1024);
	let position = 0;
	return () => {
		for (;;) {
			const count = readSync(fd, buffer, 0, buffer.length, position);
			if (count === 0) {
				return;
			}

			position += count;
			const text = decoder.write(buffer.subarray(0, count));
			if (text !== '') {
				onText(text);
			}
		}
	};
}

/**
 * Runs argv in a process group of its own, streaming its output (stdout and stderr in the order
 * written) as it comes. Cancelling ends the whole group (a `sh -c` script's children too: tar,
 * apt, dpkg), so a stopped step leaves no orphan still writing to the rootfs.
 */
export const runProcess = async (argv: string[], options: RunOptions = {}): Promise<ProcessResult> => {
	const [file, ...args] = argv;
	const output = outputFile();
	let tail = '';
	const follow = follower(output.read, text => {
		tail = (tail + text).slice(-outputTailLimit);
		options.onOutput?.(text);
	});
	// execa's types spell a file descriptor as a literal number; any open one works.
	const fd = output.write as 3;
	let child;
	try {
		child = execa(file!, args, {
			detached: true,
			reject: false,
			buffer: false,
			stdin: 'ignore',
			stdout: fd,
			stderr: fd,
			env: options.env,
			cwd: options.cwd,
		});
	} catch (error) {
		output.close();
		throw error;
	}

	const timer = setInterval(follow, followEveryMs);
	let cancelled = false;
	const endGroup = () => {
		cancelled = true;
		killGroup(child.pid, 'SIGTERM');
		const killer = setTimeout(() => {
			killGroup(child.pid, 'SIGKILL');
		}, options.killAfterMs ?? 3000);
		killer.unref();
	};

	if (options.signal?.aborted) {
		endGroup();
	}

	options.signal?.addEventListener('abort', endGroup, {once: true});
	try {
		const result = await child;
		clearInterval(timer);
		// What the command wrote last; what a process it left behind writes later is not this run's.
		follow();
		return {exitCode: result.exitCode ?? (cancelled ? 130 : 1), cancelled, output: tail};
	} finally {
		options.signal?.removeEventListener('abort', endGroup);
		clearInterval(timer);
		output.close();
	}
};
