import {createConnection} from 'node:net';
import {isAbsolute} from 'node:path';

/** One request on the faas socket, kept open: the function's container lives until rootcamp hangs up. */
export type Exchange = {
	/** What the function has answered so far. */
	text(): string;
	/** The service closed the connection (the function ended), or it failed. */
	closed(): boolean;
	/** Why the connection failed (refused, no such socket), if it did. */
	error(): string | undefined;
	/** Waits until `done(text)` holds or the connection closes, at most `timeoutMs`; true when it holds. */
	waitFor(done: (text: string) => boolean, timeoutMs: number): Promise<boolean>;
	/** Ends the request (no more input: the function reads end-of-file) and waits for its last words. */
	hangUp(timeoutMs: number): Promise<string>;
	/** Drops the connection at once. */
	drop(): void;
};

/** An answer longer than this is cut: a function that prints forever must not fill rootcamp's memory. */
const answerLimit = 64 * 1024;

/**
 * Connects to a Unix socket, the only kind rootcamp ever talks to (no host, no port: nothing can
 * leave this machine), and sends one line. The answer accumulates; nothing here judges it.
 */
export function openRequest(socket: string, request: string): Exchange {
	if (!isAbsolute(socket)) {
		throw new Error(`the faas socket must be an absolute path, not ${socket}`);
	}

	let text = '';
	let closed = false;
	let failure: string | undefined;
	const waiters = new Set<() => void>();
	const wake = () => {
		for (const waiter of waiters) {
			waiter();
		}
	};

	const connection = createConnection({path: socket, allowHalfOpen: true});
	connection.setEncoding('utf8');
	connection.on('data', (chunk: string) => {
		text = (text + chunk).slice(0, answerLimit);
		wake();
	});
	connection.on('error', error => {
		failure ??= (error as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? `nothing listens on ${socket}` : ((error as NodeJS.ErrnoException).code === 'ENOENT' ? `there is no socket ${socket}` : error.message);
	});
	connection.on('close', () => {
		closed = true;
		wake();
	});
	connection.write(`${request}\n`);

	const waitFor = async (done: (text: string) => boolean, timeoutMs: number) => new Promise<boolean>(resolve => {
		const check = () => {
			if (done(text) || closed) {
				finish();
			}
		};

		const timer = setTimeout(() => {
			finish();
		}, timeoutMs);
		function finish() {
			clearTimeout(timer);
			waiters.delete(check);
			resolve(done(text));
		}

		waiters.add(check);
		check();
	});

	return {
		text: () => text,
		closed: () => closed,
		error: () => failure,
		waitFor,
		async hangUp(timeoutMs) {
			if (!closed) {
				connection.end();
				await waitFor(() => closed, timeoutMs);
				connection.destroy();
			}

			return text;
		},
		drop() {
			connection.destroy();
		},
	};
}
