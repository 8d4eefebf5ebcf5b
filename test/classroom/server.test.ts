import {spawn} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {once} from 'node:events';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import test from 'ava';
import {startClassroom, type RunningClassroom} from '../../src/classroom/server/serve.ts';
import {cli} from '../helpers/privileged.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';
import {get, instructorToken, joinUrl, origin, post, verdict} from './client.ts';
import {decodeTerminalQr} from './terminal-qr.ts';

const newFolder = temporaryFolders('rootcamp-classroom-');

const start = async (t: {teardown: (f: () => Promise<void>) => void}, database: string, limits?: {eventsBurst?: number; eventsPerSecond?: number}) => {
	const running = await startClassroom({listen: '127.0.0.1:0', database, limits});
	t.teardown(async () => running.close());
	return running;
};

const classOf = async (running: RunningClassroom) => (await get(`${origin(running.join)}/api/class`, instructorToken(running.dashboard))).body as {students: Array<{name: string; cells: Record<string, {status: string}>}>};

test('a student joins, posts events once each however often they are sent, and reads the class state back', async t => {
	const database = join(newFolder(), 'class.db');
	const running = await start(t, database);
	const base = joinUrl(running.join);
	const joined = await post(`${base}/join`, {name: 'Ann'});
	t.is(joined.status, 201);
	const token = String(joined.body.token);
	const event = verdict('enter', 'proc', 'pass');
	const first = await post(`${base}/events`, {events: [event]}, token);
	t.is(first.status, 200);
	t.deepEqual(first.body.accepted, [event.id]);
	const again = await post(`${base}/events`, {events: [event]}, token);
	t.deepEqual(again.body.accepted, [event.id], 'a resend is accepted');
	const {students} = await classOf(running);
	t.is(students[0]!.cells['enter/proc']!.status, 'pass');
	await post(`${base}/events`, {events: [{id: randomUUID(), kind: 'step-opened', at: Date.now(), lesson: 'enter', step: 'ps'}, {id: randomUUID(), kind: 'help', at: Date.now()}]}, token);
	t.is(running.summary(), '1 joined · most on enter (1) · 0 stuck · 1 waiting for help', 'the serve terminal\'s line');

	// The instructor sets the pace and broadcasts; the next answer to a student carries both.
	const teacher = instructorToken(running.dashboard);
	t.is((await post(`${origin(running.join)}/api/pace`, {lesson: 'enter', step: 'proc'}, teacher)).status, 200);
	t.is((await post(`${origin(running.join)}/api/broadcast`, {text: 'break at 11'}, teacher)).status, 200);
	const state = await get(`${base}/state`, token);
	t.like(state.body.state, {pace: {lesson: 'enter', step: 'proc'}, broadcast: {text: 'break at 11'}});

	// Stored once, and the token only as a hash.
	await running.close();
	const {default: Database} = await import('better-sqlite3');
	const db = new Database(database, {readonly: true});
	t.teardown(() => db.close());
	t.is((db.prepare('SELECT COUNT(*) AS n FROM events').get() as {n: number}).n, 3, 'the pass once, the step opened and the help');
	const secret = token.split('.')[1]!;
	t.false(readFileSync(database).includes(secret), 'no token in the database file');
	t.notRegex(JSON.stringify(db.prepare('SELECT * FROM students').all()), new RegExp(secret));
});

test('bad tokens, malformed and oversized bodies get a 4xx and change nothing; nobody posts as another', async t => {
	const running = await start(t, join(newFolder(), 'class.db'));
	const base = joinUrl(running.join);
	const ann = String((await post(`${base}/join`, {name: 'Ann'})).body.token);
	const bob = String((await post(`${base}/join`, {name: 'Bob'})).body.token);
	const annEvent = verdict('enter', 'proc', 'fail', {check: 'ns', message: 'same pid namespace'});
	await post(`${base}/events`, {events: [{id: randomUUID(), kind: 'step-opened', at: Date.now(), lesson: 'enter', step: 'proc'}, annEvent]}, ann);

	t.is((await post(`${base}/events`, {events: [verdict('enter', 'proc', 'pass')]})).status, 401, 'no token');
	t.is((await post(`${base}/events`, {events: [verdict('enter', 'proc', 'pass')]}, `${ann.split('.')[0]}.forged`)).status, 401, 'a forged secret');
	t.is((await post(`${base}/events`, {events: [verdict('enter', 'proc', 'pass')]}, 'instructor')).status, 401);
	t.is((await post(`${base}/events`, '{"events": [', ann)).status, 400, 'not JSON');
	t.is((await post(`${base}/events`, {events: [{...verdict('enter', 'proc', 'pass'), status: 'won'}]}, ann)).status, 400, 'a wrong value');
	t.is((await post(`${base}/events`, {events: [{...verdict('enter', 'proc', 'pass'), extra: 1}]}, ann)).status, 400, 'an unknown field');
	t.is((await post(`${base}/events`, {events: [verdict('enter', 'proc', 'pass')]}, ann, 'text/plain')).status, 415);
	t.is((await post(`${base}/join`, {name: 'x'.repeat(61)})).status, 400, 'a name too long');
	t.is((await post(`${base}/join`, {name: 'a\u0007b'})).status, 400, 'a control character');
	const huge = {events: [verdict('enter', 'proc', 'pass', {message: 'x'.repeat(100_000)})]};
	t.is((await post(`${base}/events`, huge, ann)).status, 413);
	t.is((await post(`${base}/join/`, {name: 'Eve'})).status, 404);
	t.is((await post(`${origin(running.join)}/class/wrong-key/join`, {name: 'Eve'})).status, 404, 'the class key is part of the address');

	// Bob resends Ann's event id as his own pass: not accepted, Ann's failure stands.
	const forged = await post(`${base}/events`, {events: [{...annEvent, status: 'pass'}]}, bob);
	t.deepEqual(forged.body.accepted, []);
	const {students} = await classOf(running);
	t.deepEqual(students.map(student => [student.name, student.cells['enter/proc']?.status]), [['Ann', 'fail'], ['Bob', undefined]]);
	t.is((await get(`${origin(running.join)}/api/class`, ann)).status, 401, 'a student cannot read the class');
	t.is((await post(`${origin(running.join)}/api/pace`, {lesson: 'enter', step: 'proc'}, ann)).status, 401, 'nor set the pace');
});

test('a flood from one student is rate-limited while another still gets through', async t => {
	const running = await start(t, join(newFolder(), 'class.db'), {eventsBurst: 5, eventsPerSecond: 1});
	const base = joinUrl(running.join);
	const flooder = String((await post(`${base}/join`, {name: 'Flood'})).body.token);
	const calm = String((await post(`${base}/join`, {name: 'Calm'})).body.token);
	const statuses = await Promise.all(Array.from({length: 20}, async () => (await post(`${base}/events`, {events: [verdict('enter', 'proc', 'fail')]}, flooder)).status));
	t.is(statuses.filter(status => status === 200).length, 5);
	t.is(statuses.filter(status => status === 429).length, 15);
	t.is((await post(`${base}/events`, {events: [verdict('enter', 'proc', 'pass')]}, calm)).status, 200);
});

test('a restart keeps the class: its key, students, events and state', async t => {
	const database = join(newFolder(), 'class.db');
	const first = await startClassroom({listen: '127.0.0.1:0', database});
	const base = joinUrl(first.join);
	const token = String((await post(`${base}/join`, {name: 'Ann'})).body.token);
	await post(`${base}/events`, {events: [verdict('enter', 'proc', 'pass')]}, token);
	await post(`${origin(first.join)}/api/broadcast`, {text: 'hello'}, instructorToken(first.dashboard));
	await first.close();
	const second = await start(t, database);
	t.is(new URL(joinUrl(second.join)).pathname, new URL(base).pathname, 'the same class key');
	t.not(instructorToken(second.dashboard), instructorToken(first.dashboard), 'a fresh instructor token');
	const state = await get(`${joinUrl(second.join)}/state`, token);
	t.is(state.status, 200, 'the student token still works');
	t.like(state.body.state, {broadcast: {text: 'hello'}});
	t.is((await classOf(second)).students[0]!.cells['enter/proc']!.status, 'pass');
});

test('rootcamp classroom serve prints a QR code of the join address, the join command and the dashboard', async t => {
	const child = spawn(process.execPath, [cli, 'classroom', 'serve', '--listen', '127.0.0.1:0'], {env: {...process.env, XDG_STATE_HOME: join(newFolder(), 'state')}, stdio: ['ignore', 'pipe', 'inherit']});
	t.teardown(() => child.kill('SIGKILL'));
	let printed = '';
	for await (const chunk of child.stdout) {
		printed += String(chunk);
		if (printed.includes('Ctrl-C stops')) {
			break;
		}
	}

	t.regex(printed, /[▀▄█]{10}/, 'a QR code in block characters');
	const [, address] = /Students join with:\n {2}rootcamp join (http:\/\/127\.0\.0\.1:\d+\/class\/[\w-]+) --name "YOUR NAME"/.exec(printed) ?? [];
	t.truthy(address, `the join command is printed:\n${printed}`);
	t.is(decodeTerminalQr(printed), address, 'the QR code, read as a camera would, is the join address');
	t.regex(printed, /http:\/\/127\.0\.0\.1:\d+\/dashboard\?token=[\w-]+/);
});

test('rootcamp classroom serve --json prints one object first, then serves until stopped', async t => {
	const home = newFolder();
	const child = spawn(process.execPath, [cli, 'classroom', 'serve', '--listen', '127.0.0.1:0', '--json'], {env: {...process.env, XDG_STATE_HOME: join(home, 'state')}, stdio: ['ignore', 'pipe', 'inherit']});
	t.teardown(() => child.kill('SIGKILL'));
	const [line] = await once(createInterface({input: child.stdout}), 'line') as unknown[];
	const printed = JSON.parse(String(line)) as Record<string, string>;
	t.deepEqual(Object.keys(printed), ['join', 'dashboard', 'listen']);
	t.regex(printed.listen!, /^127\.0\.0\.1:\d+$/);
	t.regex(printed.join!, /^rootcamp join http:\/\/127\.0\.0\.1:\d+\/class\/[\w-]+ --name/);
	t.is((await post(`${joinUrl(printed.join!)}/join`, {name: 'Ann'})).status, 201);
	const exited = new Promise(resolve => child.once('exit', resolve));
	child.kill('SIGTERM');
	t.is(await exited, 0, 'a clean stop');
	t.truthy(readFileSync(join(home, 'state/rootcamp/classroom.db')).length, 'the default database is under rootcamp\'s state');
});
