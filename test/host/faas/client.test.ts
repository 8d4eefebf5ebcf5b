import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {openRequest} from '../../../src/host/faas/client.ts';
import {ask} from '../../../src/host/faas/requests.ts';
import {listenOnSocket} from './fake-service.ts';

/** A Unix-socket service that answers like the lesson's function: the request's line, then waits for the caller to hang up. */
const serve = async (t: ExecutionContext) => {
	const dir = mkdtempSync(join(tmpdir(), 'rootcamp-faas-client-'));
	const socket = join(dir, 'sock');
	const requests: string[] = [];
	t.teardown(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	await listenOnSocket(t, socket, connection => {
		let input = '';
		connection.setEncoding('utf8');
		connection.on('data', (chunk: string) => {
			input += chunk;
			if (input.includes('\n')) {
				requests.push(input.trim());
				connection.write(`answer to ${input.trim()}\n`);
			}
		});
		connection.on('end', () => {
			connection.end('bye\n');
		});
	});
	return {socket, requests};
};

test('asks, hangs up, and gets the whole answer', async t => {
	const {socket, requests} = await serve(t);
	t.deepEqual(await ask(socket, 'whoami'), {text: 'answer to whoami\nbye\n'});
	t.deepEqual(requests, ['whoami']);
});

test('a held request waits for its answer and ends when rootcamp hangs up', async t => {
	const {socket} = await serve(t);
	const exchange = openRequest(socket, 'write');
	t.true(await exchange.waitFor(text => text.includes('answer to write'), 2000));
	t.false(exchange.closed(), 'the service holds the request until the caller hangs up');
	t.is(await exchange.hangUp(2000), 'answer to write\nbye\n');
	t.true(exchange.closed());
});

test('waiting for what never comes ends at the timeout', async t => {
	const {socket} = await serve(t);
	const exchange = openRequest(socket, 'whoami');
	const started = Date.now();
	t.false(await exchange.waitFor(text => text.includes('never'), 200));
	t.true(Date.now() - started >= 190);
	exchange.drop();
});

test('no socket is a clear error, not a crash', async t => {
	const answered = await ask('/nonexistent/rootcamp-faas.sock', 'whoami', 1000);
	t.deepEqual(answered, {text: '', error: 'there is no socket /nonexistent/rootcamp-faas.sock'});
});

test('only an absolute Unix socket path is ever dialled', t => {
	t.throws(() => openRequest('localhost:80', 'whoami'), {message: /must be an absolute path/});
});
