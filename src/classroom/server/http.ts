import {createServer, type IncomingMessage, type ServerResponse} from 'node:http';
import {createHash, timingSafeEqual} from 'node:crypto';
import {broadcastSchema, eventBatchSchema, helpDoneSchema, joinSchema, paceSchema, type ClassState} from '../protocol.ts';
import {HttpError, readJson, sendJson} from './body.ts';
import type {Dashboard} from './dashboard.ts';
import type {ClassModel} from './model.ts';
import {rateLimiter} from './rate-limit.ts';
import {createStateStreams} from './state-streams.ts';
import type {Store, Student} from './store.ts';

export type ServerOptions = {
	store: Store;
	model: ClassModel;
	classKey: string;
	instructorToken: string;
	/** The course's steps in order, `lesson/step`: the grid's columns. */
	steps: Array<{lesson: string; step: string; title: string}>;
	/** Called after anything the dashboard shows changed (a student, the help queue, the class state). */
	onChange?: (change: {student?: string}) => void;
	/** Serves the dashboard's page and its live stream; the JSON API works without it. */
	dashboard?: Dashboard;
	limits?: {eventsBurst?: number; eventsPerSecond?: number; joinBurst?: number; joinPerSecond?: number};
};

/** Bodies are small: a batch of 100 events of a few hundred bytes fits in 64 KiB, a name in 1 KiB. */
const eventsLimit = 64 * 1024;
const smallLimit = 1024;

const bearer = (request: IncomingMessage) => /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];

const instructorCookie = 'rootcamp_instructor';

const cookie = (request: IncomingMessage, name: string) => {
	for (const part of (request.headers.cookie ?? '').split(';')) {
		const [key, ...value] = part.trim().split('=');
		if (key === name) {
			return value.join('=');
		}
	}

	return undefined;
};

/** The classroom's HTTP API: students join and post events; the instructor reads the class and acts on it. */
export const createClassroomServer = (options: ServerOptions) => {
	const {store, model, classKey} = options;
	const instructorHash = createHash('sha256').update(options.instructorToken).digest();
	const isInstructor = (token: string | undefined) =>
		token !== undefined && timingSafeEqual(createHash('sha256').update(token).digest(), instructorHash);
	const studentLimit = rateLimiter({burst: options.limits?.eventsBurst ?? 20, perSecond: options.limits?.eventsPerSecond ?? 10});
	const addressLimit = rateLimiter({burst: options.limits?.joinBurst ?? 60, perSecond: options.limits?.joinPerSecond ?? 20});
	const classPath = `/class/${classKey}`;
	const changed = (change: {student?: string}) => {
		options.onChange?.(change);
		options.dashboard?.changed(change);
	};

	const limit = (allowed: boolean) => {
		if (!allowed) {
			throw new HttpError(429, 'too many requests; slow down');
		}
	};

	const student = (request: IncomingMessage): Student => {
		const found = store.authenticate(bearer(request));
		if (!found) {
			throw new HttpError(401, 'unknown or missing student token');
		}

		limit(studentLimit.take(found.id));
		return found;
	};

	const requireInstructor = (request: IncomingMessage) => {
		if (!isInstructor(bearer(request) ?? cookie(request, instructorCookie))) {
			throw new HttpError(401, 'the instructor token is missing or wrong');
		}
	};

	const state = (): ClassState => store.classState();
	const stateStreams = createStateStreams(state);

	const route = async (request: IncomingMessage, response: ServerResponse) => {
		const url = new URL(request.url ?? '/', 'http://classroom');
		const {pathname} = url;
		const method = request.method ?? 'GET';
		if (pathname.startsWith(`${classPath}/`) || pathname === classPath) {
			const action = pathname.slice(classPath.length);
			if (method === 'POST' && action === '/join') {
				limit(addressLimit.take(request.socket.remoteAddress ?? ''));
				const {name} = await readJson(request, joinSchema, smallLimit);
				const {student: joined, token} = await store.addStudent(name);
				model.addStudent(joined);
				changed({student: joined.id});
				sendJson(response, 201, {student: joined.id, token, state: state()});
				return;
			}

			if (method === 'POST' && action === '/events') {
				const sender = student(request);
				const {events} = await readJson(request, eventBatchSchema, eventsLimit);
				const {accepted, added} = await store.addEvents(sender, events);
				for (const event of added) {
					model.apply(event);
				}

				if (added.length > 0) {
					changed({student: sender.id});
				}

				sendJson(response, 200, {accepted, state: state()});
				return;
			}

			if (method === 'GET' && action === '/state/stream') {
				student(request);
				stateStreams.open(request, response);
				return;
			}

			if (method === 'GET' && action === '/state') {
				student(request);
				sendJson(response, 200, {state: state()});
				return;
			}

			if (method === 'POST' && action === '/leave') {
				const leaving = student(request);
				await store.leave(leaving);
				model.addStudent(leaving);
				changed({student: leaving.id});
				sendJson(response, 200, {left: true});
				return;
			}

			throw new HttpError(404, 'no such classroom action');
		}

		if (pathname.startsWith('/api/')) {
			limit(addressLimit.take(`instructor ${request.socket.remoteAddress ?? ''}`));
			requireInstructor(request);
			await instructorAction(request, response, method, pathname.slice('/api'.length));
			return;
		}

		// The printed address carries the token once: it becomes a cookie only this server's pages
		// send (HttpOnly, SameSite=Strict), and the address bar is left without it.
		const offered = url.searchParams.get('token');
		if (pathname === '/dashboard' && offered !== null) {
			if (!isInstructor(offered)) {
				throw new HttpError(401, 'the instructor token is wrong');
			}

			response.writeHead(303, {location: '/dashboard', 'set-cookie': `${instructorCookie}=${offered}; HttpOnly; SameSite=Strict; Path=/`, 'cache-control': 'no-store'});
			response.end();
			return;
		}

		if (options.dashboard?.handle(request, response, pathname, isInstructor(bearer(request) ?? cookie(request, instructorCookie)))) {
			return;
		}

		throw new HttpError(404, 'not found');
	};

	const instructorAction = async (request: IncomingMessage, response: ServerResponse, method: string, action: string) => {
		if (method === 'GET' && action === '/stream' && options.dashboard) {
			options.dashboard.stream(request, response);
			return;
		}

		if (method === 'GET' && action === '/class') {
			sendJson(response, 200, {steps: options.steps, students: model.students(), help: model.help(), state: state()});
			return;
		}

		if (method === 'POST' && action === '/pace') {
			const pace = await readJson(request, paceSchema, smallLimit);
			await store.setClassState({...state(), pace});
		} else if (method === 'POST' && action === '/broadcast') {
			const {text} = await readJson(request, broadcastSchema, smallLimit);
			await store.setClassState({...state(), broadcast: text ? {text, at: Date.now()} : null});
		} else if (method === 'POST' && action === '/help-done') {
			const {id} = await readJson(request, helpDoneSchema, smallLimit);
			if (!model.markHelpDone(id)) {
				throw new HttpError(404, 'no such help request');
			}

			await store.markHelpDone(id);
		} else {
			throw new HttpError(404, 'no such instructor action');
		}

		changed({});
		stateStreams.publish();
		sendJson(response, 200, {state: state()});
	};

	const server = createServer((request, response) => {
		route(request, response).catch((error: unknown) => {
			if (response.headersSent) {
				response.destroy();
				return;
			}

			if (error instanceof HttpError) {
				// The rest of an oversized body is not read: the connection closes after the answer.
				sendJson(response, error.status, {error: error.message}, error.status === 413 ? {connection: 'close'} : {});
				return;
			}

			sendJson(response, 500, {error: 'the server failed; see its terminal'});
			process.stderr.write(`classroom: ${error instanceof Error ? error.stack : String(error)}\n`);
		});
	});
	server.once('close', () => {
		stateStreams.close();
	});
	return server;
};
