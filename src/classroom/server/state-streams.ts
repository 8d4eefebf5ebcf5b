import type {IncomingMessage, ServerResponse} from 'node:http';
import type {ClassState} from '../protocol.ts';

/**
 * The students' live view of the class state (server-sent events): the pace step and the
 * broadcast reach every open app within a moment of the instructor's click, instead of with its
 * next heartbeat. Only a real change is sent: events that leave the state as it was cost nothing.
 */
export const createStateStreams = (current: () => ClassState) => {
	const streams = new Set<ServerResponse>();
	let last = JSON.stringify(current());

	const send = (response: ServerResponse, text: string) => {
		response.write(`event: state\ndata: ${text}\n\n`);
	};

	// A comment every 25 s keeps a quiet stream open through proxies and NAT tables.
	const keepAlive = setInterval(() => {
		for (const response of streams) {
			response.write(': still here\n\n');
		}
	}, 25_000);
	keepAlive.unref();

	return {
		/** A student's stream; the caller checked the student's token. It starts with the state as it is. */
		open(request: IncomingMessage, response: ServerResponse) {
			response.writeHead(200, {'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive'});
			send(response, JSON.stringify(current()));
			streams.add(response);
			request.once('close', () => streams.delete(response));
		},
		/** Sends the state to every open stream if it differs from what was sent last. */
		publish() {
			const text = JSON.stringify(current());
			if (text === last) {
				return;
			}

			last = text;
			for (const response of streams) {
				send(response, text);
			}
		},
		close() {
			clearInterval(keepAlive);
			for (const response of streams) {
				response.end();
			}
		},
	};
};
