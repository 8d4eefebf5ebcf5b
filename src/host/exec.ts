import {execFile} from 'node:child_process';
import {promisify} from 'node:util';

const execFileAsync = promisify(execFile);

/** What a finished process printed and how it ended. */
export type ExecOutput = {stdout: string; stderr: string};

/** Runs a tool and returns its output; a missing tool becomes an Error that says what to install. */
export async function execTool(file: string, args: string[], {install}: {install: string}): Promise<ExecOutput> {
	try {
		const {stdout, stderr} = await execFileAsync(file, args, {encoding: 'utf8', maxBuffer: 64 * 1024 * 1024});
		return {stdout, stderr};
	} catch (error) {
		const failure = error as NodeJS.ErrnoException & {stderr?: string};
		if (failure.code === 'ENOENT') {
			throw new Error(`\`${file}\` was not found: install ${install}`, {cause: error});
		}

		const detail = failure.stderr?.trim() || failure.message;
		throw new Error(`\`${[file, ...args].join(' ')}\` failed: ${detail}`, {cause: error});
	}
}
