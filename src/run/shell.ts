import {spawn} from 'node:child_process';
import {setImmediate as nextTurn} from 'node:timers/promises';

/**
 * Stops this process reading the terminal, so every key reaches the child. After Ink lets go,
 * Node's stdin handle may still be reading: `pause()` only stops it once no 'readable' listener
 * is left, which Node notices a turn later, and the handle stops a turn after the 'pause' event.
 */
async function releaseStdin(stdin: NodeJS.ReadStream): Promise<void> {
	await nextTurn();
	stdin.pause();
	await nextTurn();
}

/**
 * Runs an interactive program (the container's shell) on this terminal and resolves with its
 * exit code once it exits. Ctrl-C typed in the shell reaches this process too, as the terminal's
 * foreground group; it is ignored here so only the shell sees it.
 */
export async function runShell(argv: string[], stdin: NodeJS.ReadStream = process.stdin): Promise<number> {
	const [file, ...args] = argv;
	if (!file) {
		throw new Error('no shell command to run');
	}

	await releaseStdin(stdin);
	const ignore = () => {};
	process.on('SIGINT', ignore);
	process.on('SIGQUIT', ignore);
	try {
		return await new Promise<number>((resolve, reject) => {
			const child = spawn(file, args, {stdio: 'inherit'});
			child.once('error', reject);
			child.once('exit', (code, signal) => {
				resolve(code ?? (signal ? 128 : 1));
			});
		});
	} finally {
		process.off('SIGINT', ignore);
		process.off('SIGQUIT', ignore);
	}
}
