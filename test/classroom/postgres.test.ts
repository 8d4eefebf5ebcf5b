import {execFile} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import pg from 'pg';
import {startClassroom} from '../../src/classroom/server/serve.ts';
import {cli} from '../helpers/privileged.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';
import {get, instructorToken, joinUrl, origin, post, verdict} from './client.ts';
import {postgresInstalled, startPostgres} from './postgres.ts';

const run = promisify(execFile);
const newFolder = temporaryFolders('rootcamp-pg-test-');
let server: Awaited<ReturnType<typeof startPostgres>> | undefined;

test.before(async () => {
	if (postgresInstalled()) {
		server = await startPostgres();
	}
});

test.after.always(() => {
	server?.stop();
});

/** A database of its own for each test, on the one private server. */
const freshDatabase = async () => {
	if (!server) {
		throw new Error('PostgreSQL 15 is not installed: sh scripts/install-deps.sh --tests');
	}

	const name = `class_${randomUUID().replaceAll('-', '')}`;
	const client = new pg.Client(server.url);
	await client.connect();
	await client.query(`CREATE DATABASE ${name}`);
	await client.end();
	const url = new URL(server.url);
	url.pathname = `/${name}`;
	return url.href;
};

test('the classroom on PostgreSQL: events once each, nobody posts as another, and a restart keeps the class', async t => {
	const database = await freshDatabase();
	const first = await startClassroom({listen: '127.0.0.1:0', database});
	const base = joinUrl(first.join);
	const ann = String((await post(`${base}/join`, {name: 'Ann'})).body.token);
	const bob = String((await post(`${base}/join`, {name: 'Bob'})).body.token);
	const opened = {id: randomUUID(), kind: 'step-opened', at: Date.now(), lesson: 'enter', step: 'proc'};
	const failed = verdict('enter', 'proc', 'fail', {check: 'ns', message: 'same pid namespace'});
	t.deepEqual((await post(`${base}/events`, {events: [opened, failed]}, ann)).body.accepted, [opened.id, failed.id]);
	t.deepEqual((await post(`${base}/events`, {events: [opened, failed]}, ann)).body.accepted, [opened.id, failed.id], 'a resend is accepted');
	t.deepEqual((await post(`${base}/events`, {events: [{...failed, status: 'pass'}]}, bob)).body.accepted, [], 'another student\'s id is not');
	// Concurrent batches from many students at once: PostgreSQL runs them in parallel transactions.
	const tokens = await Promise.all(Array.from({length: 20}, async (_, index) => String((await post(`${base}/join`, {name: `S${index}`})).body.token)));
	await Promise.all(tokens.map(async token => post(`${base}/events`, {events: [verdict('enter', 'proc', 'pass'), verdict('enter', 'ps', 'pass')]}, token)));
	await post(`${origin(first.join)}/api/pace`, {lesson: 'enter', step: 'ps'}, instructorToken(first.dashboard));
	await first.close();

	const client = new pg.Client(database);
	await client.connect();
	t.teardown(async () => client.end());
	const {rows: [counts]} = await client.query<{events: number; seqs: number}>('SELECT COUNT(*)::int AS events, COUNT(DISTINCT seq)::int AS seqs FROM events');
	t.deepEqual(counts, {events: 42, seqs: 42}, 'every event once, each with its own place in the order');
	const {rows: students} = await client.query('SELECT token_hash FROM students');
	t.false(students.some(row => String(row.token_hash).includes(ann.split('.')[1]!)), 'only hashes');

	const second = await startClassroom({listen: '127.0.0.1:0', database});
	t.teardown(async () => second.close());
	t.is(new URL(joinUrl(second.join)).pathname, new URL(base).pathname);
	t.like((await get(`${joinUrl(second.join)}/state`, ann)).body.state, {pace: {lesson: 'enter', step: 'ps'}});
	const view = (await get(`${origin(second.join)}/api/class`, instructorToken(second.dashboard))).body as {students: Array<{name: string; cells: Record<string, {status: string}>}>};
	t.is(view.students.length, 22);
	t.is(view.students.find(student => student.name === 'Ann')!.cells['enter/proc']!.status, 'fail');
	t.is(view.students.filter(student => student.cells['enter/ps']?.status === 'pass').length, 20);
});

test('classroom export reads the class from --db postgres://…', async t => {
	const database = await freshDatabase();
	const running = await startClassroom({listen: '127.0.0.1:0', database});
	const token = String((await post(`${joinUrl(running.join)}/join`, {name: 'Ann'})).body.token);
	await post(`${joinUrl(running.join)}/events`, {events: [verdict('copy', 'export', 'pass')]}, token);
	await running.close();
	const csv = join(newFolder(), 'grades.csv');
	const {stdout} = await run(process.execPath, [cli, 'classroom', 'export', '--db', database, '--csv', csv]);
	t.regex(stdout, /1 students/);
	const [header, row] = readFileSync(csv, 'utf8').trim().split('\n');
	const columns = header!.split(',');
	const values = row!.split(',');
	t.is(values[columns.indexOf('copy/export')], '1');
	t.is(values[columns.indexOf('points_awarded')], '1');
});
