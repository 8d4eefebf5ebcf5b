// The classroom's benchmark: 300 simulated students on loopback, each posting an event a second to
// `rootcamp classroom serve` (its own process, as an instructor runs it) with the dashboard's live
// stream open and each student's class-state stream open (as the app keeps it): the server's
// answer time (p99), how long a change takes to reach the dashboard (p99), how long a broadcast
// takes to reach every student's screen (p99), and the server's peak memory (VmHWM), on the
// embedded database and, where PostgreSQL 15 is installed, on a private PostgreSQL server. CLASSROOM_BENCH_SECONDS shortens the minute.
import {spawn} from 'node:child_process';
import {once} from 'node:events';
import {Agent, request as httpRequest} from 'node:http';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {performance} from 'node:perf_hooks';
import {createInterface} from 'node:readline';
import {pathToFileURL} from 'node:url';
import {postgresInstalled, startPostgres} from '../test/classroom/postgres.ts';

const repo = resolve(import.meta.dirname, '..');
const cli = join(repo, 'dist/cli.js');
const students = Number(process.env.CLASSROOM_BENCH_STUDENTS ?? 300);
const seconds = Number(process.env.CLASSROOM_BENCH_SECONDS ?? 60);

const percentile = (values: number[], p: number) => {
	const sorted = values.toSorted((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
};

const sleep = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

const report = (name: string, value: string, target: string, ok: boolean) => {
	console.log(`${ok ? 'ok  ' : 'MISS'} ${name.padEnd(34)} ${value.padEnd(34)} target ${target}`);
	if (!ok) {
		process.exitCode = 1;
	}
};

// node:http with a keep-alive agent rather than fetch: the simulated class must cost this process
// less than the server it measures (both share the machine's cores).
const agent = new Agent({keepAlive: true, maxSockets: Number.POSITIVE_INFINITY});
const post = async (url: string, body: unknown, token?: string) => new Promise<{status: number; text: string}>((resolve, reject) => {
	const data = JSON.stringify(body);
	const request = httpRequest(url, {
		method: 'POST',
		agent,
		headers: {'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...(token ? {authorization: `Bearer ${token}`} : {})},
	}, response => {
		let text = '';
		response.setEncoding('utf8');
		response.on('data', (chunk: string) => {
			text += chunk;
		});
		response.on('end', () => {
			resolve({status: response.statusCode ?? 0, text});
		});
	});
	request.on('error', reject);
	request.end(data);
});

/**
 * Opens each student's class-state stream, as the app does; every broadcast that arrives says
 * when it was sent (its text is the time): the delay to each student is kept in `latencies`.
 */
const watchStudents = async (base: string, tokens: string[], latencies: number[]) => {
	let opened = 0;
	const requests = tokens.map(token => {
		let buffer = '';
		const request = httpRequest(`${base}/state/stream`, {agent: false, headers: {authorization: `Bearer ${token}`}}, response => {
			opened++;
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => {
				buffer += chunk;
				const messages = buffer.split('\n\n');
				buffer = messages.pop() ?? '';
				for (const message of messages) {
					const sent = /"text":"sent (\d+)"/.exec(message)?.[1];
					if (sent) {
						latencies.push(Date.now() - Number(sent));
					}
				}
			});
		});
		request.on('error', () => undefined);
		request.end();
		return request;
	});
	// The class's apps are open before it starts working, as in a room.
	while (opened < tokens.length) {
		await sleep(20);
	}

	return () => {
		for (const request of requests) {
			request.destroy();
		}
	};
};

/** Reads the dashboard's stream; each student row that arrives says when its event was made (`current.since`). */
const watchDashboard = async (origin: string, token: string, latencies: number[]) => {
	const controller = new AbortController();
	const response = await fetch(`${origin}/api/stream`, {headers: {authorization: `Bearer ${token}`}, signal: controller.signal});
	const seen = new Map<string, number>();
	const reading = (async () => {
		const decoder = new TextDecoder();
		let buffer = '';
		for await (const chunk of response.body!) {
			buffer += decoder.decode(chunk as Uint8Array, {stream: true});
			let end: number;
			while ((end = buffer.indexOf('\n\n')) >= 0) {
				const message = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				if (!message.startsWith('event: students\n')) {
					continue;
				}

				const now = Date.now();
				for (const row of JSON.parse(message.slice(message.indexOf('data: ') + 6)) as Array<{id: string; current?: {since: number}}>) {
					const since = row.current?.since;
					if (since !== undefined && seen.get(row.id) !== since) {
						seen.set(row.id, since);
						latencies.push(now - since);
					}
				}
			}
		}
	})().catch(() => undefined);
	return async () => {
		controller.abort();
		await reading;
	};
};

const benchOne = async (label: string, database: string, dir: string) => {
	const child = spawn(process.execPath, [...(process.env.CLASSROOM_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CLASSROOM_BENCH_PROFILE}`] : []), cli, 'classroom', 'serve', '--listen', '127.0.0.1:0', '--db', database, '--json'], {env: {...process.env, XDG_STATE_HOME: join(dir, 'state')}, stdio: ['ignore', 'pipe', 'inherit']});
	try {
		const [line] = await once(createInterface({input: child.stdout}), 'line') as unknown[];
		const printed = JSON.parse(String(line)) as {join: string; dashboard: string};
		const base = printed.join.split(' ')[2]!;
		const dashboard = new URL(printed.dashboard);
		const instructor = dashboard.searchParams.get('token')!;

		// Joining is rate-limited per address (one address here): the class joins at that pace.
		const tokens: string[] = [];
		while (tokens.length < students) {
			const response = await post(`${base}/join`, {name: `student ${tokens.length}`});
			if (response.status === 429) {
				await sleep(50);
				continue;
			}

			tokens.push((JSON.parse(response.text) as {token: string}).token);
		}

		const dashboardLatencies: number[] = [];
		const stopWatching = await watchDashboard(dashboard.origin, instructor, dashboardLatencies);
		const broadcastLatencies: number[] = [];
		const stopStudents = await watchStudents(base, tokens, broadcastLatencies);
		let broadcasts = 0;
		// The instructor broadcasts every 5 s: each of the class's open apps must hear it.
		const broadcaster = setInterval(() => {
			broadcasts++;
			void post(`${dashboard.origin}/api/broadcast`, {text: `sent ${Date.now()}`}, instructor);
		}, 5000);
		const answers: number[] = [];
		let refused = 0;
		const until = Date.now() + (seconds * 1000);
		await Promise.all(tokens.map(async (token, index) => {
			// Spread over the second, as a real class's clocks are.
			await sleep((index / students) * 1000);
			for (let tick = 0; Date.now() < until; tick++) {
				const started = performance.now();
				const at = Date.now();
				const response = await post(`${base}/events`, {events: [{id: crypto.randomUUID(), kind: 'step-opened', at, lesson: 'enter', step: `s${tick % 20}`}]}, token);
				answers.push(performance.now() - started);
				if (response.status !== 200) {
					refused++;
				}

				await sleep(Math.max(0, 1000 - (Date.now() - at)));
			}
		}));
		clearInterval(broadcaster);
		await sleep(300);
		await stopWatching();
		stopStudents();
		agent.destroy();
		const peak = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
		const p99 = percentile(answers, 0.99);
		const dashboardP99 = percentile(dashboardLatencies, 0.99);
		report(`classroom ${label}: answer p99`, `${p99.toFixed(1)} ms (p50 ${percentile(answers, 0.5).toFixed(1)}; ${answers.length} events, ${refused} refused)`, '≤ 50 ms', p99 <= 50 && refused === 0);
		report(`classroom ${label}: dashboard p99`, `${dashboardP99.toFixed(0)} ms (${dashboardLatencies.length} changes)`, '≤ 1000 ms', dashboardP99 <= 1000 && dashboardLatencies.length > 0);
		const broadcastP99 = percentile(broadcastLatencies, 0.99);
		report(`classroom ${label}: broadcast to apps p99`, `${broadcastP99.toFixed(0)} ms (${broadcastLatencies.length} of ${broadcasts * students} arrivals)`, '≤ 1000 ms', broadcastP99 <= 1000 && broadcastLatencies.length === broadcasts * students);
		report(`classroom ${label}: server peak memory`, `${peak.toFixed(1)} MiB`, '≤ 200 MiB', peak <= 200);
	} finally {
		child.kill('SIGTERM');
		await once(child, 'exit');
	}
};

/** Both backends, in a scratch folder under `dir`. */
export const benchClassroom = async (dir: string) => {
	const scratch = mkdtempSync(join(dir, 'classroom-'));
	try {
		console.log(`info classroom                           ${students} students, an event a second each, ${seconds} s`);
		await benchOne('sqlite', join(scratch, 'class.db'), scratch);
		if (postgresInstalled()) {
			const postgres = await startPostgres();
			try {
				await benchOne('postgres', postgres.url, scratch);
			} finally {
				postgres.stop();
			}
		} else {
			console.log('skip classroom postgres                  PostgreSQL 15 is not installed');
		}
	} finally {
		rmSync(scratch, {recursive: true, force: true});
	}
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const dir = mkdtempSync('/var/tmp/rootcamp-bench-classroom-');
	try {
		await benchClassroom(dir);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
}
