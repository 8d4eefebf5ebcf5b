import {lstatSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {startTimeOf} from '../run/signal.ts';
import type {JournalEntry} from './journal.ts';
import type {ShellContext} from './context.ts';

type ServiceEntry = Extract<JournalEntry, {kind: 'service'}>;

/** The process group of a PID (stat field 5), or undefined when it is gone. */
const groupOf = (pid: number): number | undefined => {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
	} catch {
		return undefined;
	}
};

/** PIDs still in a process group (zombies count as gone). */
const membersOf = (group: number): number[] => readdirSync('/proc').filter(name => /^\d+$/.test(name)).map(Number).filter(pid => {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		return fields[0] !== 'Z' && Number(fields[2]) === group;
	} catch {
		return false;
	}
});

const isSocket = (path: string) => {
	try {
		return lstatSync(path).isSocket();
	} catch {
		return false;
	}
};

/**
 * Ends a service rootcamp started, only if its PID is still that same process: with its process
 * group when it leads one (`setsid -f` made it so), which holds the requests it is serving, their
 * handlers and their containers; then waits until all of them are gone, so no per-request tree is
 * still in use when reset deletes it, and removes the socket it leaves behind.
 */
const endService = async (entry: ServiceEntry): Promise<void> => {
	if (startTimeOf(entry.pid) === entry.startTime) {
		const leads = groupOf(entry.pid) === entry.pid;
		try {
			process.kill(leads ? -entry.pid : entry.pid, 'SIGKILL');
		} catch {}

		const deadline = Date.now() + 3000;
		while ((leads ? membersOf(entry.pid) : [entry.pid].filter(pid => startTimeOf(pid) === entry.startTime)).length > 0 && Date.now() < deadline) {
			await new Promise(resolve => setTimeout(resolve, 20));
		}
	}

	if (isSocket(entry.socket)) {
		rmSync(entry.socket, {force: true});
	}
};

/** Ends every service the journal says rootcamp started; returns the entries it undid. */
export const stopServices = async (engine: ShellContext): Promise<ServiceEntry[]> => {
	const services = engine.journal.entries().filter((entry): entry is ServiceEntry => entry.kind === 'service');
	for (const entry of services) {
		await endService(entry);
		engine.journal.remove(entry);
	}

	return services;
};
