import {createServer, type Socket} from 'node:net';
import type {ExecutionContext} from 'ava';

/**
 * A Unix-socket server standing in for socat, closed at teardown: half-open connections allowed
 * (a caller hangs up its side and still reads the answer, as with socat), and a caller that drops
 * the connection is a caller gone, not an error.
 */
export const listenOnSocket = async (t: ExecutionContext, socket: string, onConnection: (connection: Socket) => void): Promise<void> => {
	const server = createServer({allowHalfOpen: true}, connection => {
		connection.on('error', () => undefined);
		onConnection(connection);
	});
	await new Promise<void>(resolve => {
		server.listen(socket, resolve);
	});
	t.teardown(() => {
		server.close();
	});
};
