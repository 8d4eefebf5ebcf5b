import {spawn, type ChildProcess} from 'node:child_process';
import {once} from 'node:events';
import {join} from 'node:path';
import {createInterface} from 'node:readline';
import test from 'ava';
import Database from 'better-sqlite3';
import {classroomFiles, saveMembership, type ClassroomFiles, type Membership} from '../../src/classroom/student/membership.ts';
import {eventQueue} from '../../src/classroom/student/queue.ts';
import {deliver} from '../../src/classroom/student/sender.ts';
import {cli} from '../helpers/privileged.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';
import {joinUrl, post} from './client.ts';

const newFolder = temporaryFolders('rootcamp-faults-');
const sleep = async (ms: number) => new Promise(resolve => {
	setTimeout(resolve, ms);
});

/** `rootcamp classroom serve` as the instructor runs it: a process of its own, to be killed with SIGKILL. */
const serve = async (listen: string, database: string, state: string) => {
	const child = spawn(process.execPath, [cli, 'classroom', 'serve', '--listen', listen, '--db', database, '--json'], {env: {...process.env, XDG_STATE_HOME: state}, stdio: ['ignore', 'pipe', 'inherit']});
	const [line] = await once(createInterface({input: child.stdout}), 'line') as unknown[];
	return {child, printed: JSON.parse(String(line)) as {join: string; listen: string}};
};

type Student = {files: ClassroomFiles; membership: Membership; made: string[]; answered: Set<string>};

/** A student's rootcamp: queue an event, send the queue (0.3 s at most), note which events the server answered for. */
const work = async (student: Student, lesson: number) => {
	const queue = eventQueue(student.files.queue);
	const [event] = queue.add([{kind: 'hint', lesson: `l${lesson}`, step: 's'}]);
	student.made.push(event!.id);
	const before = new Set(queue.list().map(item => item.event.id));
	await deliver(student.files, student.membership, 300);
	const left = new Set(queue.list().map(item => item.event.id));
	// An event leaves the queue only on the server's answer: what left was answered for.
	for (const id of before) {
		if (!left.has(id)) {
			student.answered.add(id);
		}
	}
};

test('kill -9 the server under load and start it again: every answered event is there, the queued ones arrive after, none twice', async t => {
	const folder = newFolder();
	const database = join(folder, 'class.db');
	let server: ChildProcess | undefined;
	t.teardown(() => server?.kill('SIGKILL'));
	const first = await serve('127.0.0.1:0', database, join(folder, 'server'));
	server = first.child;
	const base = joinUrl(first.printed.join);

	const students: Student[] = [];
	for (let index = 0; index < 20; index++) {
		const joined = (await post(`${base}/join`, {name: `S${index}`})).body as {student: string; token: string};
		const files = classroomFiles(join(folder, `student-${index}`));
		const membership = {url: base, name: `S${index}`, student: joined.student, token: joined.token, joinedAt: ''};
		saveMembership(files, membership);
		students.push({files, membership, made: [], answered: new Set()});
	}

	// Set from outside the loops (they await in between): an object, so the loops read it anew.
	const load = {running: true};
	const working = Promise.all(students.map(async student => {
		for (let lesson = 0; load.running; lesson++) {
			await work(student, lesson);
			await sleep(5);
		}
	}));

	await sleep(1500);
	const answeredBeforeKill = new Set(students.flatMap(student => [...student.answered]));
	t.log(`${answeredBeforeKill.size} events answered in 1.5 s before the kill`);
	first.child.kill('SIGKILL');
	await once(first.child, 'exit');
	await sleep(500);
	const queuedWhileDown = students.reduce((sum, student) => sum + eventQueue(student.files.queue).list().length, 0);
	const second = await serve(first.printed.listen, database, join(folder, 'server'));
	server = second.child;
	await sleep(500);
	load.running = false;
	await working;
	for (const student of students) {
		await deliver(student.files, student.membership, 5000);
	}

	second.child.kill('SIGTERM');
	await once(second.child, 'exit');

	const db = new Database(database, {readonly: true});
	t.teardown(() => db.close());
	const rows = db.prepare('SELECT id, student_id, seq FROM events ORDER BY seq').all() as Array<{id: string; student_id: string; seq: number}>;
	const stored = new Set(rows.map(row => row.id));
	t.true(answeredBeforeKill.size >= 2 * students.length, `load before the kill: ${answeredBeforeKill.size} answered`);
	t.true(queuedWhileDown >= students.length, `${queuedWhileDown} events queued while the server was down`);
	t.deepEqual([...answeredBeforeKill].filter(id => !stored.has(id)), [], 'every event answered before the kill is stored');
	const made = students.flatMap(student => student.made);
	t.deepEqual(made.filter(id => !stored.has(id)), [], 'every event made arrived, the queued ones too');
	t.is(rows.length, made.length, 'nothing twice, nothing extra');
	for (const student of students) {
		const order = rows.filter(row => row.student_id === student.membership.student).map(row => row.id);
		t.deepEqual(order, student.made, `${student.membership.name}'s events in the order they were made`);
	}

	t.deepEqual(students.map(student => eventQueue(student.files.queue).list().length), students.map(() => 0), 'every queue is empty');
});
