import {lstatSync, readdirSync, readlinkSync} from 'node:fs';
import {dirname, join} from 'node:path';
import type {CgroupHierarchy} from '../cgroup/cgroup.ts';
import type {ProcessInfo} from '../proc/processes.ts';
import {which} from '../tools/tools.ts';
import {ask, holdConcurrent, watchLimit, type Answered, type GroupSeen, type Held} from './requests.ts';
import {processesRootedUnder, readResidue, type Residue} from './residue.ts';
import {findFaasServices, type FaasService} from './service.ts';

/** What the faas check reads: the service, and what its requests did. */
export type FaasProbes = {
	/** Every faas listener (socat on a Unix socket) running now. */
	faasServices(): Promise<FaasService[]>;
	/** Whether socat is on this host. */
	hasSocat(): boolean;
	/** One request, ended at once: its answer. */
	faasAsk(socket: string, request: string): Promise<Answered>;
	/** `count` whoami requests held open together. */
	faasConcurrent(socket: string, count: number): Promise<Held[]>;
	/** What is left on the host before and after one request. */
	faasResidue(socket: string, options: ResidueOptions): Promise<{before: Residue; answer: Answered; after: Residue}>;
	/** A request that should hit a limit, watched from its group; then whether the service still answers. */
	faasLimit(socket: string, options: {request: string; hit: 'pids' | 'memory'; cgroup: string}): Promise<{answer: Answered; groups: GroupSeen[]; next: Answered}>;
};

/** How long a request an earlier check left may take to end: a fork bomb outlives its caller by seconds, and socat waits 10 s. */
const earlierRequestsMs = 30_000;

/**
 * Waits until no process runs in a request's root: what one request leaves is judged against a
 * quiet host, not against an earlier request still ending (the limits step's fork bomb forks on
 * for seconds after its caller hung up, and each new process would count as this one's). Gives
 * up after a while, and then the judge names what still runs.
 */
const earlierRequestsEnded = async (requests: string, proc: string) => {
	const deadline = Date.now() + earlierRequestsMs;
	while (processesRootedUnder(requests, {proc}).length > 0 && Date.now() < deadline) {
		await new Promise(resolve => setTimeout(resolve, 100));
	}
};

type ResidueOptions = {request: string; requests: string; cgroup?: string; layers: string[]};

type Base = {
	proc: string;
	once: <T>(key: string, read: () => Promise<T>) => Promise<T>;
	processes: () => Promise<ProcessInfo[]>;
	cgroupHierarchy: () => Promise<CgroupHierarchy>;
};

/**
 * What the service's requests did, kept across rounds while nothing they depend on changed: the
 * app judges a step every 700 ms, and a fork bomb per tick is not a probe. The key holds the
 * listener (PID and start time) and the handler's folder (its files to two levels: the handler,
 * the function's layer), so a new service or an edited script is asked again.
 */
const remembered = new Map<string, unknown>();

/** The files the listener writes to (its standard output and error: the lesson's `log`), which change with every request. */
function writtenBy(pid: number, proc: string): Set<string> {
	const written = new Set<string>();
	for (const fd of [1, 2]) {
		try {
			written.add(readlinkSync(`${proc}/${pid}/fd/${fd}`));
		} catch {
			// Closed, or the listener is gone: nothing to leave out.
		}
	}

	return written;
}

/**
 * The files of a handler's folder to two levels, by path, size and modification time; per-request
 * trees lie deeper. What the service itself writes is left out: socat logs a broken pipe whenever a
 * caller hangs up before the function is done, so the log changed with every round, and every round
 * of the app (one each 700 ms) sent the service a fork bomb again.
 */
function scriptsStamp(handler: string, written: Set<string>): string {
	const parts: string[] = [];
	const walk = (dir: string, depth: number) => {
		let names: string[];
		try {
			names = readdirSync(dir).sort();
		} catch {
			return;
		}

		for (const name of names) {
			const path = join(dir, name);
			try {
				const stat = lstatSync(path);
				if (stat.isFile() && !written.has(path)) {
					parts.push(`${path}:${stat.size}:${stat.mtimeMs}:${stat.mode}`);
				} else if (stat.isDirectory() && depth < 2) {
					walk(path, depth + 1);
				}
			} catch {
				// Gone meanwhile.
			}
		}
	};

	walk(dirname(handler), 1);
	return parts.join('|');
}

/**
 * One request at a time per service, in the order the checks ask. A round judges every step at
 * once, and what one request leaves (its processes, its group, its directory) must not be mixed
 * with what another leaves: a whole-course verify ran the clean step's `write` beside the limits
 * step's fork bomb, and counted the bomb's processes as the write's.
 */
const lanes = new Map<string, Promise<unknown>>();

const inLane = async <T>(socket: string, run: () => Promise<T>): Promise<T> => {
	const mine = (lanes.get(socket) ?? Promise.resolve()).catch(() => undefined).then(run);
	lanes.set(socket, mine);
	try {
		return await mine;
	} finally {
		if (lanes.get(socket) === mine) {
			lanes.delete(socket);
		}
	}
};

/** The faas probes of one round. */
export function faasProbes({proc, once, processes, cgroupHierarchy}: Base): FaasProbes {
	const services = async () => once('faasServices', async () => findFaasServices(await processes(), {proc}));
	/** Runs `read`, in the service's lane, unless the same question to the same, unchanged service was answered before. */
	const memo = async <T extends {error?: string} | object>(socket: string, question: string, read: () => Promise<T>): Promise<T> => inLane(socket, async () => {
		const service = (await services()).find(each => each.socket === socket);
		if (service?.handler === undefined) {
			return read();
		}

		const key = `${question}\0${service.pid}:${service.startTime}\0${scriptsStamp(service.handler, writtenBy(service.pid, proc))}`;
		if (remembered.has(key)) {
			return remembered.get(key) as T;
		}

		const result = await read();
		// A refused connection says nothing about the scripts: ask again next time.
		if (!JSON.stringify(result).includes('"error"')) {
			remembered.set(key, result);
		}

		return result;
	});

	return {
		faasServices: services,
		hasSocat: () => which('socat') !== undefined,
		faasAsk: async (socket, request) => memo(socket, `ask:${request}`, async () => ask(socket, request)),
		faasConcurrent: async (socket, count) => memo(socket, `concurrent:${count}`, async () => holdConcurrent(socket, count, {proc})),
		faasResidue: async (socket, options) => memo(socket, `residue:${JSON.stringify(options)}`, async () => {
			const hierarchy = await cgroupHierarchy();
			const read = async () => readResidue({...options, hierarchy}, {proc});
			await earlierRequestsEnded(options.requests, proc);
			const before = await read();
			const answer = await ask(socket, options.request);
			return {before, answer, after: await read()};
		}),
		faasLimit: async (socket, options) => memo(socket, `limit:${JSON.stringify(options)}`, async () => {
			const {answer, groups} = await watchLimit(socket, {...options, hierarchy: await cgroupHierarchy()});
			return {answer, groups, next: await ask(socket, 'whoami')};
		}),
	};
}
