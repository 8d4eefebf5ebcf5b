import {readFileSync} from 'node:fs';
import type {ProcessInfo} from '../proc/processes.ts';

/** A function-as-a-service listener: socat on a Unix socket, running a handler for each connection. */
export type FaasService = {
	pid: number;
	startTime: number;
	/** The Unix socket it listens on. */
	socket: string;
	/** The program it runs for each request (`EXEC:` or `SYSTEM:`), when it names one. */
	handler?: string;
};

/** socat's names for a listening Unix socket: a listener of any other kind (TCP) is not the lesson's. */
const listenAddress = /^unix-(?:listen|l):([^,]+)/i;
const runAddress = /^(?:exec|system):(\S+)/i;

/**
 * The socket and handler of a socat command line, or undefined when it is not a Unix-socket
 * listener. socat's two addresses are its first two arguments that are not options (`-d`, `-lf
 * FILE`); either order works for socat, so either is accepted.
 */
export function parseSocatListener(argv: readonly string[]): {socket: string; handler?: string} | undefined {
	const addresses: string[] = [];
	for (let index = 1; index < argv.length; index++) {
		const word = argv[index]!;
		if (word.startsWith('-') && word.length > 1) {
			// The options that take a separate value.
			if (['-lf', '-lp', '-L', '-W', '-b', '-t', '-T'].includes(word)) {
				index++;
			}

			continue;
		}

		addresses.push(word);
	}

	const listening = addresses.map(address => listenAddress.exec(address)?.[1]).find(Boolean);
	if (!listening?.startsWith('/')) {
		return undefined;
	}

	const handler = addresses.map(address => runAddress.exec(address)?.[1]).find(Boolean);
	return handler === undefined ? {socket: listening} : {socket: listening, handler};
}

const readArgv = (proc: string, pid: number): string[] | undefined => {
	try {
		return readFileSync(`${proc}/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
	} catch {
		return undefined;
	}
};

/**
 * The faas listeners among the round's processes: socat processes listening on a Unix socket.
 * socat forks a copy of itself for each connection; a copy whose parent listens on the same
 * socket is a request being served, not a service.
 */
export function findFaasServices(processes: readonly ProcessInfo[], {proc = '/proc'}: {proc?: string} = {}): FaasService[] {
	const listeners = new Map<number, FaasService>();
	for (const info of processes) {
		if (info.command !== 'socat') {
			continue;
		}

		const argv = readArgv(proc, info.pid);
		const parsed = argv === undefined ? undefined : parseSocatListener(argv);
		if (parsed !== undefined) {
			listeners.set(info.pid, {pid: info.pid, startTime: info.startTime, ...parsed});
		}
	}

	const parentOf = new Map(processes.map(info => [info.pid, info.ppid]));
	return [...listeners.values()].filter(service => listeners.get(parentOf.get(service.pid) ?? 0)?.socket !== service.socket);
}
