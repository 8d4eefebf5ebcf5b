import {spawn} from 'node:child_process';
import {setImmediate as nextTurn} from 'node:timers/promises';
import {which} from '../host/tools/tools.ts';

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

/** One word for `sh -c`, quoted so the shell passes it through unchanged. */
const shellWord = (word: string) => `'${word.replaceAll('\'', String.raw`'\''`)}'`;

/**
 * The command that runs `argv` on a terminal of its own. An interactive shell makes its process
 * group the terminal's foreground group; one inside the container's PID namespace cannot see
 * rootcamp's group, so on exit it cannot hand the terminal back, and rootcamp's next read stops
 * it with SIGTTIN (`[1]+ Stopped`). util-linux's `script` puts the shell on a pseudo-terminal
 * of its own, as `docker exec -it` does, and relays our terminal to it: the shell's job control
 * happens there, and our terminal's foreground group never changes. `-e` returns the shell's
 * exit status; `/dev/null` keeps no typescript. `script -c` runs its command with `$SHELL -c`,
 * hence `SHELL=/bin/sh`, which the container's shell then also sees.
 */
export const onTerminalOfItsOwn = (argv: string[], findScript = () => which('script')): {file: string; args: string[]; env: NodeJS.ProcessEnv} => {
	const script = findScript();
	if (!script) {
		throw new Error('`script` is missing: it gives the container\'s shell a terminal of its own (apt-get install bsdutils, or util-linux elsewhere)');
	}

	return {file: script, args: ['-q', '-e', '-c', argv.map(word => shellWord(word)).join(' '), '/dev/null'], env: {...process.env, SHELL: '/bin/sh'}};
};

/**
 * Runs an interactive program (the container's shell) on this terminal and resolves with its
 * exit code once it exits, however it ends (`exit`, Ctrl-D, killed). `script` puts the terminal
 * in raw mode while it relays, so Ctrl-C reaches only the shell; SIGINT and SIGQUIT are ignored
 * here as well, in case a signal reaches our group by other means (kill from another terminal).
 */
export async function runShell(argv: string[], stdin: NodeJS.ReadStream = process.stdin): Promise<number> {
	if (argv.length === 0) {
		throw new Error('no shell command to run');
	}

	const {file, args, env} = onTerminalOfItsOwn(argv);
	await releaseStdin(stdin);
	const ignore = () => undefined;
	process.on('SIGINT', ignore);
	process.on('SIGQUIT', ignore);
	try {
		return await new Promise<number>((resolve, reject) => {
			const child = spawn(file, args, {stdio: 'inherit', env});
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
