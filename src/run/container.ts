import {enterArgv} from './enter.ts';
import {runProcess, type ProcessResult, type RunOptions} from './process.ts';

/**
 * Runs a container block inside the container (nsenter on its shell's PID), line after line
 * as if typed into that shell: no `-e`, since `mkdir -v /proc` failing on a second run must not
 * keep `mount -t proc` from running. The same works for a shell the learner started by hand.
 */
export const runInContainer = async (pid: number, script: string, options: RunOptions = {}): Promise<ProcessResult> =>
	runProcess(enterArgv(pid, ['/bin/sh', '-c', script]), {
		...options,
		env: {DEBIAN_FRONTEND: 'noninteractive', ...options.env},
	});
