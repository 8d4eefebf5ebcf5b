import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {ClassState} from '../protocol.ts';
import {readClassState, saveClassState, type ClassroomFiles, type Membership} from './membership.ts';
import {eventQueue} from './queue.ts';

export type Delivery = {
	sent: number;
	left: number;
	/** The class state: the server's answer, or the last one kept when it did not answer. */
	state?: ClassState;
	/** Why it stopped early: the server is away, or refused. */
	problem?: string;
};

const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
};

/**
 * One sender at a time (the app and a `verify` may both try): the queue is delivered in order only
 * if one process sends it. A lock left by a killed rootcamp names a dead process and is taken over.
 */
const takeLock = (dir: string): (() => void) | undefined => {
	mkdirSync(dir, {recursive: true, mode: 0o700});
	const lock = join(dir, '.sender.lock');
	for (let attempt = 0; attempt < 2; attempt++) {
		try {
			writeFileSync(lock, String(process.pid), {flag: 'wx'});
			return () => {
				rmSync(lock, {force: true});
			};
		} catch {
			const holder = Number(readFileSync(lock, {encoding: 'utf8', flag: 'a+'}));
			if (holder && alive(holder)) {
				return undefined;
			}

			rmSync(lock, {force: true});
		}
	}

	return undefined;
};

/** The server takes bodies of up to 64 KiB (http.ts): a batch stays well below, whatever its events hold. */
const batchBytes = 48 * 1024;

/** The oldest events, at most `most` of them and `batchBytes` in all; always at least one. */
const nextBatch = (queue: ReturnType<typeof eventQueue>, most: number) => {
	let bytes = '{"events":[]}'.length;
	const batch = [];
	for (const entry of queue.list(most)) {
		bytes += Buffer.byteLength(JSON.stringify(entry.event)) + 1;
		if (batch.length > 0 && bytes > batchBytes) {
			break;
		}

		batch.push(entry);
	}

	return batch;
};

/**
 * Sends the queue, oldest first, in batches, until it is empty, the server does not answer, or
 * `timeoutMs` is spent: the learner's command waits at most that long, and what is left stays
 * queued for the next command. An answer removes exactly the events the server took.
 */
export const deliver = async (files: ClassroomFiles, membership: Membership, timeoutMs = 1000): Promise<Delivery> => {
	const queue = eventQueue(files.queue);
	const kept = readClassState(files);
	const release = takeLock(files.queue);
	if (!release) {
		return {sent: 0, left: queue.list().length, state: kept, problem: 'another rootcamp is sending'};
	}

	const deadline = Date.now() + timeoutMs;
	let sent = 0;
	let state = kept;
	try {
		// A refused batch is split until the event the server refuses is alone, then set aside.
		let most = 100;
		for (;;) {
			const batch = nextBatch(queue, most);
			if (batch.length === 0) {
				break;
			}

			const remaining = deadline - Date.now();
			if (remaining <= 0) {
				return {sent, left: queue.list().length, state, problem: 'out of time; the rest stays queued'};
			}

			let response: Response;
			try {
				response = await fetch(`${membership.url}/events`, {
					method: 'POST',
					headers: {'content-type': 'application/json', authorization: `Bearer ${membership.token}`},
					body: JSON.stringify({events: batch.map(({event}) => event)}),
					signal: AbortSignal.timeout(remaining),
				});
			} catch (error) {
				return {sent, left: queue.list().length, state, problem: `the classroom did not answer (${(error as Error).cause ? String((error as {cause: Error}).cause.message) : (error as Error).message})`};
			}

			const answer = await response.json().catch(() => ({})) as {accepted?: string[]; state?: ClassState; error?: string};
			if (response.status === 400 || response.status === 413) {
				// The server judged the body itself (malformed, too big), so sending it again as it is
				// would be refused forever and hold back everything queued after it.
				if (batch.length > 1) {
					most = Math.ceil(batch.length / 2);
				} else {
					queue.setAside(batch[0]!.name, files.rejected);
					most = 100;
				}

				continue;
			}

			if (!response.ok || !Array.isArray(answer.accepted)) {
				return {sent, left: queue.list().length, state, problem: `the classroom refused: ${response.status} ${answer.error ?? ''}`.trim()};
			}

			const accepted = new Set(answer.accepted);
			// An event the server will never take (a malformed one) would block the queue forever:
			// a 200 answer means the server judged the whole batch, so what it did not accept goes too.
			queue.remove(batch.map(({name}) => name));
			sent += batch.filter(({event}) => accepted.has(event.id)).length;
			if (answer.state) {
				state = answer.state;
				saveClassState(files, state);
			}
		}
	} finally {
		release();
	}

	return {sent, left: 0, state};
};
