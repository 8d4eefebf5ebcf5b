import {readFileSync} from 'node:fs';
import {namespaceLink} from './jail.ts';
import {listProcesses, readCommandLine, type ProcessInfo} from './processes.ts';

/** One line of `/proc/PID/uid_map` or `gid_map`: IDs `inside…inside+count-1` are `outside…` in the parent namespace. */
export type IdMapLine = {inside: number; outside: number; count: number};

/** The rootless shell of the last lesson: the first process of a user namespace of its own. */
export type RootlessInfo = {
	pid: number;
	startTime: number;
	command: string;
	/** Its user namespace (`user:[4026532249]`). */
	userNamespace: string;
	/** Real and effective user ID as the host sees them (`Uid:` of /proc/PID/status). */
	uid: number;
	euid: number;
	/** Its user namespace's uid map: empty until someone writes it. */
	uidMap: IdMapLine[];
};

/** Parses a uid_map or gid_map. */
export function parseIdMap(text: string): IdMapLine[] {
	const lines: IdMapLine[] = [];
	for (const line of text.split('\n')) {
		const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(line);
		if (match) {
			lines.push({inside: Number(match[1]), outside: Number(match[2]), count: Number(match[3])});
		}
	}

	return lines;
}

/** The ID inside the namespace that an outside ID maps to; undefined when the map leaves it out. */
export function insideId(map: IdMapLine[], outside: number): number | undefined {
	const line = map.find(entry => outside >= entry.outside && outside < entry.outside + entry.count);
	return line === undefined ? undefined : line.inside + (outside - line.outside);
}

/** The outside ID an inside ID stands for; undefined when the map leaves it out. */
export function outsideId(map: IdMapLine[], inside: number): number | undefined {
	const line = map.find(entry => inside >= entry.inside && inside < entry.inside + entry.count);
	return line === undefined ? undefined : line.outside + (inside - line.inside);
}

/** The real and effective IDs of a `Uid:` or `Gid:` line of /proc/PID/status. */
export function parseStatusIds(status: string, field: 'Uid' | 'Gid' = 'Uid'): {real: number; effective: number} | undefined {
	const match = new RegExp(`^${field}:\\s+(\\d+)\\s+(\\d+)`, 'm').exec(status);
	return match ? {real: Number(match[1]), effective: Number(match[2])} : undefined;
}

/** The `user ns → 0` shape of a rootless map: empty (not written yet), or root inside mapped to someone outside. */
const looksRootless = (map: IdMapLine[]) => map.length === 0 || outsideId(map, 0) !== undefined;

/**
 * Finds the rootless shell: the newest process that is the first of a user namespace other than
 * rootcamp's (its parent is outside it), whose map is empty or maps root inside. A browser's
 * sandbox maps a user to itself and is left out; among the rest an ordinary user on the host is
 * preferred to root, since the point of the lesson is root inside and somebody else outside.
 */
export async function findRootless({proc = '/proc', processes}: {proc?: string; processes?: ProcessInfo[]} = {}): Promise<RootlessInfo | null> {
	const ours = namespaceLink('self', 'user', proc);
	const all = processes ?? await listProcesses({proc});
	const namespaces = new Map(all.map(info => [info.pid, namespaceLink(info.pid, 'user', proc)]));
	const found: RootlessInfo[] = [];
	for (const info of all) {
		const namespace = namespaces.get(info.pid);
		if (namespace === undefined || namespace === ours || namespaces.get(info.ppid) === namespace) {
			continue;
		}

		const candidate = readCandidate(info, namespace, proc);
		if (candidate !== undefined && looksRootless(candidate.uidMap)) {
			found.push(candidate);
		}
	}

	const ordinary = found.filter(candidate => candidate.uid !== 0);
	const pool = ordinary.length > 0 ? ordinary : found;
	const newest = pool.reduce<RootlessInfo | undefined>((best, candidate) => (best === undefined || candidate.startTime > best.startTime ? candidate : best), undefined);
	return newest === undefined ? null : {...newest, command: (await readCommandLine(newest.pid, {proc})) ?? newest.command};
}

function readCandidate(info: ProcessInfo, userNamespace: string, proc: string): RootlessInfo | undefined {
	try {
		const status = readFileSync(`${proc}/${info.pid}/status`, 'utf8');
		const ids = parseStatusIds(status);
		// A zombie has ended: it only waits for its parent to collect its exit status.
		if (ids === undefined || /^State:\s+Z/m.test(status)) {
			return undefined;
		}

		const uidMap = parseIdMap(readFileSync(`${proc}/${info.pid}/uid_map`, 'utf8'));
		return {pid: info.pid, startTime: info.startTime, command: info.command, userNamespace, uid: ids.real, euid: ids.effective, uidMap};
	} catch {
		return undefined;
	}
}

/** The user ID of a name in the host's /etc/passwd; a number is its own ID. */
export function userIdOf(name: string, passwd: string): number | undefined {
	if (/^\d+$/.test(name)) {
		return Number(name);
	}

	for (const line of passwd.split('\n')) {
		const fields = line.split(':');
		if (fields[0] === name && /^\d+$/.test(fields[2] ?? '')) {
			return Number(fields[2]);
		}
	}

	return undefined;
}
