import {readFileSync} from 'node:fs';

/** Field 22 of /proc/PID/stat: start time in clock ticks since boot, or undefined if gone. */
export const startTimeOf = (pid: number): number | undefined => {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return Number(fields[19]);
	} catch {
		return undefined;
	}
};

/**
 * Kills a process rootcamp started, by PID, only if it is still that same process (its start
 * time matches), so a PID the kernel reused for someone else's program is never touched.
 * SIGKILL because a PID namespace's init ignores SIGTERM sent from outside it.
 */
export const killStarted = (pid: number, startTime: number): boolean => {
	if (startTimeOf(pid) !== startTime) {
		return false;
	}

	try {
		process.kill(pid, 'SIGKILL');
		return true;
	} catch {
		return false;
	}
};

/** Waits (briefly) until a PID is gone, so what it held (a network namespace, its veth) is gone too. */
export const waitGone = async (pid: number, timeoutMs = 3000): Promise<boolean> => {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const stat = (() => {
			try {
				return readFileSync(`/proc/${pid}/stat`, 'utf8');
			} catch {
				return undefined;
			}
		})();
		if (stat === undefined || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) {
			return true;
		}

		await new Promise(resolve => setTimeout(resolve, 20));
	}

	return false;
};

/** Signals a process group by its leader's PID; a group already gone is not an error. */
export const killGroup = (pid: number | undefined, signal: NodeJS.Signals): void => {
	if (pid === undefined) {
		return;
	}

	try {
		process.kill(-pid, signal);
	} catch {}
};
