import {readdirSync, readlinkSync} from 'node:fs';
import {readCgroupGroup, type CgroupHierarchy} from '../cgroup/cgroup.ts';
import {answerComplete, parseAnswer, requestNamespaces, type RequestNamespace} from './answer.ts';
import {openRequest} from './client.ts';
import {childGroups} from './residue.ts';

/** One request's answer, as far as it came. */
export type Answered = {text: string; error?: string};

/** A `whoami` request held open, and the host processes in its container's PID namespace while it was. */
export type Held = Answered & {
	complete: boolean;
	living: number[];
	/** The namespaces of the first of them (`mnt:[…]`…), read from /proc on the host: what the answer must say. */
	seen?: Partial<Record<RequestNamespace, string>>;
};

/**
 * A request's control group, as rootcamp last read it while the request ran; `vanished` when it
 * was removed while the request was still open (its container had ended).
 */
export type GroupSeen = {name: string; pidsMax?: number | 'max'; memoryMax?: number | 'max'; forksRefused: number; oomKills: number; vanished?: boolean};

/** How long a request may take to answer before rootcamp stops waiting. */
const answerMs = 5000;

/** Sends one request and ends it at once (the function reads end-of-file after it), then waits for the whole answer. */
export async function ask(socket: string, request: string, timeoutMs = answerMs): Promise<Answered> {
	const exchange = openRequest(socket, request);
	const text = await exchange.hangUp(timeoutMs);
	exchange.drop();
	const error = exchange.error();
	return error === undefined ? {text} : {text, error};
}

/** Every process's PID namespace, by host PID. */
function pidNamespaces(proc: string): Map<number, string> {
	const found = new Map<number, string>();
	for (const name of readdirSync(proc).filter(each => /^\d+$/.test(each))) {
		try {
			found.set(Number(name), readlinkSync(`${proc}/${name}/ns/pid`));
		} catch {
			// Gone meanwhile.
		}
	}

	return found;
}

/** A process's namespaces of the kinds a request gets, as its /proc/PID/ns links name them. */
function namespacesOf(pid: number, proc: string): Partial<Record<RequestNamespace, string>> {
	const found: Partial<Record<RequestNamespace, string>> = {};
	for (const kind of requestNamespaces) {
		try {
			found[kind] = readlinkSync(`${proc}/${pid}/ns/${kind}`);
		} catch {
			// Gone meanwhile: the judge says the container had ended.
		}
	}

	return found;
}

/**
 * Sends `count` `whoami` requests at once and holds them all open until each has answered: the
 * function waits for its caller to hang up, so every container is alive at the same moment. While
 * they are, reads which host processes are in each answer's PID namespace: proof, from outside,
 * that they ran at once and were what they said.
 */
export async function holdConcurrent(socket: string, count: number, {proc = '/proc', timeoutMs = answerMs}: {proc?: string; timeoutMs?: number} = {}): Promise<Held[]> {
	const exchanges = Array.from({length: count}, () => openRequest(socket, 'whoami'));
	try {
		await Promise.all(exchanges.map(async exchange => exchange.waitFor(answerComplete, timeoutMs)));
		const namespaces = pidNamespaces(proc);
		const held = exchanges.map(exchange => {
			const text = exchange.text();
			const {pid} = parseAnswer(text).namespaces;
			const living = pid === undefined ? [] : [...namespaces].filter(([, namespace]) => namespace === pid).map(([each]) => each);
			const error = exchange.error();
			const seen = living.length === 0 ? undefined : namespacesOf(living[0]!, proc);
			return {text, complete: answerComplete(text), living, ...(seen ? {seen} : {}), ...(error === undefined ? {} : {error})};
		});
		return held;
	} finally {
		await Promise.all(exchanges.map(async exchange => exchange.hangUp(2000)));
		for (const exchange of exchanges) {
			exchange.drop();
		}
	}
}

/**
 * How long a request gets to make its control group before rootcamp decides it makes none. A
 * handler makes it within milliseconds on a quiet host; eight sandboxes solving the course at once
 * on two cores once took over 2 s (socat's fork, the shell, mkdir), and a handler that makes no
 * group only waits this long for its verdict, once (the answer is remembered).
 */
const groupAppearsMs = 10_000;

/** Whether a group shows the limit was hit. */
const wasHit = (group: GroupSeen, hit: 'pids' | 'memory') => (hit === 'pids' ? group.forksRefused > 0 : group.oomKills > 0);

/**
 * Sends a request that should hit a limit (a fork bomb, a memory hog) and keeps it open while
 * watching the service's group: every group that appears under it is read until one shows the
 * limit hit, the request ends, or time runs out. The request's group is read while it lives; the
 * handler removes it afterwards. Then hangs up.
 */
export async function watchLimit(
	socket: string,
	{request, hit, cgroup, hierarchy, timeoutMs = 15_000}: {request: string; hit: 'pids' | 'memory'; cgroup: string; hierarchy: CgroupHierarchy; timeoutMs?: number},
): Promise<{answer: Answered; groups: GroupSeen[]}> {
	const before = new Set(childGroups(hierarchy, cgroup));
	const seen = new Map<string, GroupSeen>();
	const started = Date.now();
	const exchange = openRequest(socket, request);
	try {
		while (Date.now() - started < timeoutMs && !exchange.closed()) {
			const now = childGroups(hierarchy, cgroup);
			for (const name of now.filter(each => !before.has(each))) {
				const group = await readCgroupGroup(hierarchy, name).catch(() => null);
				if (group !== null) {
					seen.set(name, {name, pidsMax: group.pidsMax, memoryMax: group.memoryMax, forksRefused: group.forksRefused ?? 0, oomKills: group.oomKills ?? 0});
				}
			}

			// Removed under an open connection: the handler's unshare returned, so the container ended
			// (the service half-closes, and the connection stays open for socat's -t). What the group
			// counted after the last read is lost with it.
			for (const group of seen.values()) {
				if (!now.includes(group.name)) {
					group.vanished = true;
				}
			}

			const groups = [...seen.values()];
			if (groups.some(group => group.vanished === true || wasHit(group, hit)) || (seen.size === 0 && Date.now() - started > groupAppearsMs)) {
				break;
			}

			await new Promise(resolve => setTimeout(resolve, 20));
		}
	} finally {
		await exchange.hangUp(1000);
		exchange.drop();
	}

	const error = exchange.error();
	return {answer: {text: exchange.text(), ...(error === undefined ? {} : {error})}, groups: [...seen.values()]};
}
