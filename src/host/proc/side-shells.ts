import {namespaceLink} from './jail.ts';
import {listProcesses, readCommandName, type ProcessInfo} from './processes.ts';

/** Programs that only set a shell up and then exec it: the shell is whatever they become. */
const setupPrograms = new Set(['unshare', 'setpriv', 'nsenter', 'runuser', 'chroot']);

/**
 * The shell a launcher became: the first process in the launcher's line of descendants that is
 * in a namespace of `kind` other than rootcamp's and has exec'd past the set-up programs. For
 * `unshare --mount --pid --fork sh` that is the forked child (PID 1 of the new PID namespace), not
 * unshare itself, which must not be mistaken for it: ending unshare would leave the shell behind.
 */
export async function launchedShell(launcherPid: number, kind: 'mnt' | 'user', {proc = '/proc'}: {proc?: string} = {}): Promise<ProcessInfo | undefined> {
	const ours = namespaceLink('self', kind, proc);
	const processes = await listProcesses({proc});
	let current = processes.find(info => info.pid === launcherPid);
	while (current !== undefined) {
		const namespace = namespaceLink(current.pid, kind, proc);
		// The command is read again, after the namespace: the listing can predate an exec. A launcher
		// listed as `sh` just before it exec'd unshare is in the new namespace by now, and it is
		// unshare, not the shell; taking it for the shell would leave the real one behind at reset.
		const command = namespace === undefined || namespace === ours ? undefined : readCommandName(current.pid, {proc});
		if (command !== undefined && !setupPrograms.has(command)) {
			return {...current, command};
		}

		const parent = current;
		current = processes.filter(info => info.ppid === parent.pid).sort((a, b) => b.startTime - a.startTime)[0];
	}

	return undefined;
}
