/** argv that enters every namespace of the container's shell, its root and its working directory. */
export const enterArgv = (pid: number, command: string[]): string[] =>
	['nsenter', `--target=${pid}`, '--all', '--root', '--wd', ...command];
