import {execFile} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {existsSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {startClassroom} from '../../src/classroom/server/serve.ts';
import {classroomFiles, saveMembership} from '../../src/classroom/student/membership.ts';
import {eventQueue} from '../../src/classroom/student/queue.ts';
import {openReporter} from '../../src/classroom/student/reporter.ts';
import {cli} from '../helpers/privileged.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';
import {get, instructorToken, joinUrl, origin, post} from './client.ts';

const newFolder = temporaryFolders('rootcamp-student-');

type ClassView = {students: Array<{name: string; leftAt: number | null; current?: {lesson: string; step: string}; cells: Record<string, {status: string; message?: string}>}>; help: Array<{name: string; done: boolean}>};

const classOf = async (running: {join: string; dashboard: string}) => (await get(`${origin(running.join)}/api/class`, instructorToken(running.dashboard))).body as ClassView;

const step = (id: string, status: 'pass' | 'fail', message = '') => ({id, title: id, status, message, checks: status === 'fail' ? [{status, message, check: `file ${id}`}] : []});

test('events queued while the server is away are delivered in order, once, when it returns', async t => {
	const folder = newFolder();
	const database = join(folder, 'class.db');
	const first = await startClassroom({listen: '127.0.0.1:0', database});
	const {port} = new URL(joinUrl(first.join));
	const joined = await post(`${joinUrl(first.join)}/join`, {name: 'Ann'});
	await first.close();

	const files = classroomFiles(join(folder, 'state'));
	saveMembership(files, {url: joinUrl(first.join), name: 'Ann', student: String(joined.body.student), token: String(joined.body.token), joinedAt: ''});
	const reporter = openReporter(files)!;
	reporter.stepOpened({lesson: 'enter', step: 'proc'});
	t.is(reporter.verdicts({lessons: [{id: 'enter', title: '', steps: [step('proc', 'fail', 'same pid namespace')]}]}), 1);
	t.is(reporter.verdicts({lessons: [{id: 'enter', title: '', steps: [step('proc', 'fail', 'same pid namespace')]}]}), 0, 'an unchanged verdict is not queued again');
	t.is(reporter.verdicts({lessons: [{id: 'enter', title: '', steps: [step('proc', 'fail', 'same pid namespace')]}]}, {lesson: 'enter', step: 'proc'}), 1, 'unless the learner tried again');
	reporter.verdicts({lessons: [{id: 'enter', title: '', steps: [step('proc', 'pass')]}]});
	// A rootcamp killed while writing leaves a temporary file: never sent, never in the way.
	writeFileSync(join(files.queue, '.000-half.json.tmp'), '{"id":');
	const started = Date.now();
	const away = await reporter.send(500);
	t.true(Date.now() - started < 1500, 'the learner does not wait on a server that is away');
	t.is(away.left, 4);
	t.regex(away.problem ?? '', /did not answer/);

	const second = await startClassroom({listen: `127.0.0.1:${port}`, database});
	t.teardown(async () => second.close());
	const back = await reporter.send(2000);
	t.like(back, {sent: 4, left: 0});
	t.deepEqual(readdirSync(files.queue).filter(name => name.endsWith('.json')), []);
	const [ann] = (await classOf(second)).students;
	t.is(ann!.cells['enter/proc']!.status, 'pass', 'the pass came after the failure: the order held');
	t.like(ann!.current, {lesson: 'enter', step: 'proc'});
	t.like(await reporter.send(500), {sent: 0, left: 0}, 'nothing is sent twice');
});

test('the queue keeps the order events were added in, each written whole', t => {
	const queue = eventQueue(join(newFolder(), 'queue'));
	const added = queue.add([{kind: 'heartbeat'}, {kind: 'help'}, {kind: 'hint', lesson: 'a', step: 'b'}], 1000);
	queue.add([{kind: 'heartbeat'}], 999);
	t.is(new Set(added.map(event => event.id)).size, 3, 'unique ids');
	t.deepEqual(queue.list().map(({event}) => event.kind), ['heartbeat', 'heartbeat', 'help', 'hint']);
	queue.remove(queue.list(2).map(({name}) => name));
	t.deepEqual(queue.list().map(({event}) => event.kind), ['help', 'hint']);
});

test('a batch the server refuses holds nothing back: batches stay under its size limit, and an event it refuses alone is set aside', async t => {
	const running = await startClassroom({listen: '127.0.0.1:0', database: join(newFolder(), 'class.db')});
	t.teardown(async () => running.close());
	const joined = await post(`${joinUrl(running.join)}/join`, {name: 'Ann'});
	const files = classroomFiles(join(newFolder(), 'state'));
	saveMembership(files, {url: joinUrl(running.join), name: 'Ann', student: String(joined.body.student), token: String(joined.body.token), joinedAt: ''});
	const queue = eventQueue(files.queue);
	// 100 events of 4.5 kB each (500 three-byte characters a field): 450 kB, far over the server's 64 KiB a body.
	const wide = 'あ'.repeat(500);
	queue.add(Array.from({length: 100}, (_, index) => ({kind: 'hint' as const, lesson: 'enter', step: `s${index}`, message: wide, expected: wide, actual: wide})), 1000);
	// One the server's schema refuses (a rootcamp of another version, a disk fault), in the middle.
	queue.add([{kind: 'hint', lesson: 'enter', step: 'bad', message: 'x'.repeat(501)}], 1001);
	queue.add([{kind: 'help', lesson: 'enter', step: 'after'}], 1002);
	const delivery = await openReporter(files)!.send(10_000);
	t.like(delivery, {sent: 101, left: 0});
	t.deepEqual(readdirSync(files.queue).filter(name => name.endsWith('.json')), []);
	const rejected = readdirSync(files.rejected);
	t.is(rejected.length, 1, 'set aside, not lost');
	t.regex(readFileSync(join(files.rejected, rejected[0]!), 'utf8'), /"step":"bad"/);
	const [ann] = (await classOf(running)).students;
	t.is(Object.keys(ann!.cells).length, 100, 'every hint arrived');
	t.like((await classOf(running)).help, [{name: 'Ann'}], 'and what came after the refused one');
});

/** Runs rootcamp without blocking this process: the server it talks to lives here. */
const rootcamp = async (state: string, args: string[]) => new Promise<{status: number; stdout: string; stderr: string}>(resolve => {
	execFile(process.execPath, [cli, ...args], {env: {...process.env, XDG_STATE_HOME: state, NO_COLOR: '1'}, encoding: 'utf8'}, (error, stdout, stderr) => {
		resolve({status: error ? Number(error.code) : 0, stdout, stderr});
	});
});

test('rootcamp join, verify, help-me and leave: the class sees the student, their verdicts and their request', async t => {
	const running = await startClassroom({listen: '127.0.0.1:0', database: join(newFolder(), 'class.db')});
	t.teardown(async () => running.close());
	const state = join(newFolder(), 'state');
	const joined = await rootcamp(state, ['join', joinUrl(running.join), '--name', 'Ann Lee']);
	t.is(joined.status, 0, joined.stderr);
	t.regex(joined.stdout, /joined http:\/\/127\.0\.0\.1:\d+\/class\/\S+ as Ann Lee/);
	t.is(statSync(join(state, 'rootcamp/classroom.json')).mode & 0o777, 0o600, 'the token is the learner\'s alone');

	await post(`${origin(running.join)}/api/broadcast`, {text: 'look at the projector'}, instructorToken(running.dashboard));
	const verified = await rootcamp(state, ['verify', 'copy/export', '--rootfs', join(state, 'no-rootfs')]);
	t.is(verified.status, 1, verified.stderr);
	t.regex(verified.stdout, /instructor: look at the projector/);
	let view = await classOf(running);
	t.like(view.students[0], {name: 'Ann Lee', current: {lesson: 'copy', step: 'export'}});
	t.is(view.students[0]!.cells['copy/export']!.status, 'fail');
	t.regex(view.students[0]!.cells['copy/export']!.message!, /no tarball/);

	const helped = await rootcamp(state, ['help-me']);
	t.is(helped.status, 0, helped.stderr);
	t.regex(helped.stdout, /the instructor has your request/);
	view = await classOf(running);
	t.like(view.help, [{name: 'Ann Lee', done: false}]);

	const left = await rootcamp(state, ['leave']);
	t.is(left.status, 0, left.stderr);
	t.false(existsSync(join(state, 'rootcamp/classroom.json')));
	t.not((await classOf(running)).students[0]!.leftAt, null);
	t.regex((await rootcamp(state, ['help-me'])).stderr, /not in a classroom/);
});

test('three verifies failing the same way are three tries: the real client path makes the student stuck', async t => {
	const running = await startClassroom({listen: '127.0.0.1:0', database: join(newFolder(), 'class.db')});
	t.teardown(async () => running.close());
	const state = join(newFolder(), 'state');
	t.is((await rootcamp(state, ['join', joinUrl(running.join), '--name', 'Ann'])).status, 0);
	for (let run = 1; run <= 3; run++) {
		const verified = await rootcamp(state, ['verify', 'copy/export', '--rootfs', join(state, 'no-rootfs')]);
		t.is(verified.status, 1, verified.stderr);
		if (run < 3) {
			t.regex(running.summary(), /0 stuck/, `not stuck after ${run}`);
		}
	}

	const cell = (await classOf(running)).students[0]!.cells['copy/export'] as unknown as {status: string; fails: number; failsByCheck: Record<string, number>};
	t.like(cell, {status: 'fail', fails: 3});
	t.deepEqual(Object.values(cell.failsByCheck), [3], 'the same check, three times');
	t.regex(running.summary(), /1 stuck/);
});

test('joining again leaves the old membership first, and leaving revokes the token on the server, across a restart too', async t => {
	const database = join(newFolder(), 'class.db');
	const running = await startClassroom({listen: '127.0.0.1:0', database});
	const state = join(newFolder(), 'state');
	const membership = () => JSON.parse(readFileSync(join(state, 'rootcamp/classroom.json'), 'utf8')) as {token: string};
	t.is((await rootcamp(state, ['join', joinUrl(running.join), '--name', 'Ann'])).status, 0);
	const old = membership().token;
	const again = await rootcamp(state, ['join', joinUrl(running.join), '--name', 'Ann Lee']);
	t.is(again.status, 0, again.stderr);
	t.regex(again.stdout, /^left http/);
	const current = membership().token;
	const {students} = await classOf(running);
	t.deepEqual(students.map(student => [student.name, student.leftAt === null]), [['Ann', false], ['Ann Lee', true]], 'no ghost: the first membership is gone');
	t.is((await get(`${joinUrl(running.join)}/state`, old)).status, 401, 'the old token is revoked');
	t.is((await get(`${joinUrl(running.join)}/state`, current)).status, 200);

	t.is((await rootcamp(state, ['leave'])).status, 0);
	t.is((await get(`${joinUrl(running.join)}/state`, current)).status, 401, 'leave revokes the token');
	const {port} = new URL(joinUrl(running.join));
	await running.close();
	const restarted = await startClassroom({listen: `127.0.0.1:${port}`, database});
	t.teardown(async () => restarted.close());
	t.is((await post(`${joinUrl(restarted.join)}/events`, {events: [{id: randomUUID(), kind: 'help', at: Date.now()}]}, current)).status, 401, 'still revoked after a restart');
});

test('rootcamp join refuses a bad address and says when nobody answers', async t => {
	const state = join(newFolder(), 'state');
	const bad = await rootcamp(state, ['join', 'not a url', '--name', 'Ann']);
	t.is(bad.status, 2);
	t.regex(bad.stderr, /classroom's address/);
	const away = await rootcamp(state, ['join', 'http://127.0.0.1:9/class/x', '--name', 'Ann']);
	t.is(away.status, 1);
	t.regex(away.stderr, /did not answer/);
	t.false(existsSync(join(state, 'rootcamp/classroom.json')));
});
