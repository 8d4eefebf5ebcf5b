import {runProcess, type ProcessResult, type RunOptions} from './process.ts';

/** Runs a host block as `sh -e -c`: a failing line stops the block, as a careful learner would. */
export const runOnHost = async (script: string, options: RunOptions = {}): Promise<ProcessResult> =>
	runProcess(['sh', '-e', '-c', script], options);
