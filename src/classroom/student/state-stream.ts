import {setTimeout as sleep} from 'node:timers/promises';
import {classStateSchema, type ClassState} from '../protocol.ts';
import {saveClassState, type ClassroomFiles, type Membership} from './membership.ts';

/** The `data:` of each `event: state` message in a chunk of server-sent events; the rest stays for the next chunk. */
export const stateMessages = (buffer: string): {states: unknown[]; rest: string} => {
	const states: unknown[] = [];
	const messages = buffer.split('\n\n');
	const rest = messages.pop() ?? '';
	for (const message of messages) {
		const lines = message.split('\n');
		if (!lines.includes('event: state')) {
			continue;
		}

		const data = lines.filter(line => line.startsWith('data:')).map(line => line.slice(5).trimStart()).join('\n');
		try {
			states.push(JSON.parse(data));
		} catch {}
	}

	return {states, rest};
};

/** Reads one open stream to its end, handing over each valid class state. */
const readStream = async (body: ReadableStream<Uint8Array>, onState: (state: ClassState) => void) => {
	const decoder = new TextDecoder();
	let buffer = '';
	for await (const chunk of body) {
		const {states, rest} = stateMessages(buffer + decoder.decode(chunk, {stream: true}));
		buffer = rest;
		for (const candidate of states) {
			const parsed = classStateSchema.safeParse(candidate);
			if (parsed.success) {
				onState(parsed.data);
			}
		}
	}
};

/**
 * Follows the class state live (the server's `/state/stream`): each change is kept on disk, for
 * `verify` to show, and handed to `onState`. When the server is away it tries again, waiting
 * longer each time up to 30 s, so a class of 300 does not hammer a server that restarts.
 * Returns the function that stops it.
 */
export const watchClassState = (files: ClassroomFiles, membership: Membership, onState: (state: ClassState) => void): (() => void) => {
	const controller = new AbortController();
	const {signal} = controller;
	const keep = (state: ClassState) => {
		saveClassState(files, state);
		onState(state);
	};

	const follow = async () => {
		let wait = 1000;
		while (!signal.aborted) {
			try {
				const response = await fetch(`${membership.url}/state/stream`, {headers: {authorization: `Bearer ${membership.token}`, accept: 'text/event-stream'}, signal});
				if (response.ok && response.body) {
					wait = 1000;
					await readStream(response.body, keep);
				} else {
					await response.body?.cancel();
				}
			} catch {}

			await sleep(wait, undefined, {signal}).catch(() => undefined);
			wait = Math.min(wait * 2, 30_000);
		}
	};

	void follow();
	return () => {
		controller.abort();
	};
};
