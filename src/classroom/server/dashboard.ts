import {existsSync, readFileSync} from 'node:fs';
import type {IncomingMessage, ServerResponse} from 'node:http';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import type {ClassModel} from './model.ts';
import {classView} from './stats.ts';
import type {Store} from './store.ts';

/** The page's files, served by rootcamp itself: the dashboard works offline, with no CDN. */
const pageFiles: Record<string, {file: string; type: string}> = {
	'/dashboard': {file: 'dashboard.html', type: 'text/html; charset=utf-8'},
	'/dashboard.js': {file: 'dashboard.js', type: 'text/javascript; charset=utf-8'},
	'/dashboard.css': {file: 'dashboard.css', type: 'text/css; charset=utf-8'},
};

/** assets/classroom, found by walking up from this module (src/classroom/server or dist/chunks). */
const assetsDir = () => {
	let dir = dirname(fileURLToPath(import.meta.url));
	while (!existsSync(join(dir, 'assets/classroom/dashboard.html'))) {
		const parent = dirname(dir);
		if (parent === dir) {
			throw new Error('assets/classroom/dashboard.html is missing from this rootcamp');
		}

		dir = parent;
	}

	return join(dir, 'assets/classroom');
};

/**
 * No script but the page's own, no inline script, no frames: a student's name that looks like
 * markup could not run even if the page ever put it into HTML (it never does: textContent only).
 */
const securityHeaders = {
	'content-security-policy': 'default-src \'none\'; script-src \'self\'; style-src \'self\'; connect-src \'self\'; img-src \'self\'; base-uri \'none\'; form-action \'none\'; frame-ancestors \'none\'',
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'no-referrer',
	'cache-control': 'no-store',
};

/** The dashboard: its page and a live stream of the class (server-sent events) for the instructor. */
export const createDashboard = ({model, store, steps}: {model: ClassModel; store: Store; steps: Array<{lesson: string; step: string; title: string}>}) => {
	const dir = assetsDir();
	const files = new Map(Object.entries(pageFiles).map(([path, {file, type}]) => [path, {body: readFileSync(join(dir, file)), type}]));
	const streams = new Set<ServerResponse>();
	const dirty = new Set<string>();
	let classChanged = false;
	let timer: NodeJS.Timeout | undefined;

	const send = (response: ServerResponse, event: string, data: unknown) => {
		response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
	};

	const classPart = () => ({...classView(model, steps), state: store.classState(), now: Date.now()});

	// Changes are gathered for 50 ms and sent together: a class of 300 posting every second costs
	// the dashboard a few messages a tick, not one per event, and still arrives well within a second.
	const flush = () => {
		timer = undefined;
		const rows = [...dirty].map(id => model.student(id)).filter(row => row !== undefined);
		dirty.clear();
		const whole = classChanged || rows.length > 0 ? classPart() : undefined;
		classChanged = false;
		for (const response of streams) {
			if (rows.length > 0) {
				send(response, 'students', rows);
			}

			if (whole) {
				send(response, 'class', whole);
			}
		}
	};

	// A comment line every 15 s keeps proxies and the browser from closing a quiet stream, and the
	// class part again so "time on step" and the stuck marks move on while nobody posts.
	const keepAlive = setInterval(() => {
		classChanged = true;
		timer ??= setTimeout(flush, 0);
	}, 15_000);
	keepAlive.unref();

	return {
		changed(change: {student?: string}) {
			if (change.student) {
				dirty.add(change.student);
			} else {
				classChanged = true;
			}

			timer ??= setTimeout(flush, 50);
		},
		/** The live stream; the caller checked the instructor's token. */
		stream(request: IncomingMessage, response: ServerResponse) {
			response.writeHead(200, {'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', ...securityHeaders});
			send(response, 'snapshot', {steps, students: model.students(), ...classPart()});
			streams.add(response);
			request.once('close', () => streams.delete(response));
		},
		/** The page and its files; true when it answered. */
		handle(request: IncomingMessage, response: ServerResponse, path: string, instructor: boolean): boolean {
			const page = files.get(path);
			if (!page || request.method !== 'GET') {
				return false;
			}

			if (!instructor) {
				response.writeHead(401, {'content-type': 'text/plain; charset=utf-8', ...securityHeaders});
				response.end('Open the dashboard with the address classroom serve printed: it carries the instructor\'s token.\n');
				return true;
			}

			response.writeHead(200, {'content-type': page.type, 'content-length': page.body.length, ...securityHeaders});
			response.end(page.body);
			return true;
		},
		close() {
			clearInterval(keepAlive);
			clearTimeout(timer);
			for (const response of streams) {
				response.end();
			}
		},
	};
};

export type Dashboard = ReturnType<typeof createDashboard>;
