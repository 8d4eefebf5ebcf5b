import {createInterface} from 'node:readline/promises';
import {UsageError} from '../errors.ts';
import type {Output} from './output.ts';

/**
 * Shows what is about to run as root and asks. `--yes` answers for the learner; without a
 * terminal to ask on, nothing privileged runs unless `--yes` was given.
 */
export const confirmPrivileged = async (output: Output, what: string[], yes: boolean): Promise<boolean> => {
	output.out('rootcamp will run, as root:');
	for (const line of what) {
		output.out(`  ${line}`);
	}

	if (yes) {
		return true;
	}

	if (!process.stdin.isTTY) {
		throw new UsageError('nothing was run: pass --yes to run these without being asked (there is no terminal to ask on)');
	}

	const prompt = createInterface({input: process.stdin, output: process.stdout});
	try {
		const answer = await prompt.question('Run them? [y/N] ');
		return /^y(es)?$/i.test(answer.trim());
	} finally {
		prompt.close();
	}
};
