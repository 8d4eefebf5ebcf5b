import type {IncomingMessage, ServerResponse} from 'node:http';
import type {z} from 'zod';

/** A request the server refuses, with the status and a message for the client; nothing was changed. */
export class HttpError extends Error {
	constructor(readonly status: number, message: string) {
		super(message);
	}
}

/** Reads a JSON body of at most `limit` bytes, parsed by `schema`: 413, 415 or 400 otherwise. */
export const readJson = async <T>(request: IncomingMessage, schema: z.ZodType<T>, limit: number): Promise<T> => {
	const type = request.headers['content-type'] ?? '';
	if (!/^application\/json\b/i.test(type)) {
		throw new HttpError(415, 'the body must be application/json');
	}

	if (Number(request.headers['content-length'] ?? 0) > limit) {
		throw new HttpError(413, `the body is over ${limit} bytes`);
	}

	// Plain 'data' events: an async iterator over the request costs as much as the rest of the request.
	const chunks = await new Promise<Buffer[]>((resolve, reject) => {
		const read: Buffer[] = [];
		let size = 0;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > limit) {
				request.removeAllListeners('data');
				reject(new HttpError(413, `the body is over ${limit} bytes`));
				return;
			}

			read.push(chunk);
		});
		request.once('end', () => {
			resolve(read);
		});
		request.once('error', reject);
	});

	let value: unknown;
	try {
		value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch {
		throw new HttpError(400, 'the body is not JSON');
	}

	const parsed = schema.safeParse(value);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		throw new HttpError(400, `invalid body: ${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'rejected'}`);
	}

	return parsed.data;
};

export const sendJson = (response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
	const body = JSON.stringify(value);
	response.writeHead(status, {'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers});
	response.end(body);
};
