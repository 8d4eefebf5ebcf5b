import {spawn} from 'node:child_process';
import {constants} from 'node:os';
import {joinGroupsScript} from './holder-script.ts';
import {sandboxVariable} from './note.ts';
import type {SandboxRecord} from './record.ts';

/**
 * The command line that runs `command` inside the sandbox: this process first joins the
 * sandbox's control groups (from the host, where the kernel lets it), then `nsenter` enters all
 * of the holder's namespaces, its PID namespace included, and starts `command` there in `cwd`
 * (or `/` when the sandbox has no such folder).
 */
/**
 * The holder's namespaces, each by name. The sandbox has a time namespace of its own too (its
 * clocks are the host's): the engine inside enters its containers with `nsenter --all`, which
 * joins their time namespace even when it is its own, and a rootless engine may do that only
 * for one its user namespace owns. A rootless sandbox's user namespace comes first; the caller
 * keeps its own uid, which is root inside (nsenter's own switch to uid 0 calls setgroups, which
 * a user namespace made without newgidmap denies).
 */
const namespaceFlags = (record: SandboxRecord): string[] => [
	...(record.rootless ? ['--user', '--preserve-credentials'] : []),
	'--mount', '--net', '--pid', '--uts', '--ipc', '--cgroup', '--time',
];

export const enterCommand = (record: SandboxRecord, command: string[], cwd = process.cwd()): string[] => [
	'sh', '-c', joinGroupsScript, 'sh', ...record.groups.members, '--',
	'nsenter', '--target', String(record.holder), ...namespaceFlags(record), '--', 'sh', '-c', changeDirectoryScript, 'sh', cwd, ...command,
];

// nsenter's --wd=DIR opens DIR before it enters the mount namespace: the process would stand in
// the host's tree, outside its own root, where getcwd() fails. So the folder is entered inside.
const changeDirectoryScript = 'cd -- "$1" 2>/dev/null || cd /; shift; exec "$@"';

/**
 * Runs `command` in the sandbox on this terminal and returns its exit code (128 + the signal that
 * ended it).
 */
export const runInSandbox = async (record: SandboxRecord, command: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> => {
	const [file, ...args] = enterCommand(record, command);
	const child = spawn(file!, args, {stdio: 'inherit', env: {...env, [sandboxVariable]: record.name}});
	// Ctrl-C reaches the command from the terminal, and it decides for itself; a TERM sent to this
	// process alone is passed on, so the command inside is never left running without its caller.
	const ignore = () => undefined;
	const pass = () => child.kill('SIGTERM');
	process.on('SIGINT', ignore);
	process.on('SIGTERM', pass);
	try {
		return await new Promise<number>((resolve, reject) => {
			child.once('error', reject);
			child.once('exit', (code, signal) => {
				resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
			});
		});
	} finally {
		process.off('SIGINT', ignore);
		process.off('SIGTERM', pass);
	}
};
