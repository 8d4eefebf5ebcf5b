import {join} from 'node:path';
import test from 'ava';
import {startClassroom} from '../../src/classroom/server/serve.ts';
import type {ClassState} from '../../src/classroom/protocol.ts';
import {classroomFiles, readClassState, type Membership} from '../../src/classroom/student/membership.ts';
import {stateMessages, watchClassState} from '../../src/classroom/student/state-stream.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';
import {waitFor} from '../helpers/wait-for.ts';
import {instructorToken, joinUrl, origin, post, verdict} from './client.ts';

const newFolder = temporaryFolders('rootcamp-state-stream-');

test('stateMessages takes the data of each whole `state` message and keeps a partial one for later', t => {
	const {states, rest} = stateMessages('event: state\ndata: {"pace":null,"broadcast":null}\n\n: still here\n\nevent: other\ndata: 1\n\nevent: state\ndata: {"pa');
	t.deepEqual(states, [{pace: null, broadcast: null}]);
	t.is(rest, 'event: state\ndata: {"pa');
	t.deepEqual(stateMessages('event: state\ndata: not json\n\n').states, [], 'a broken message is skipped, not thrown');
});

test('a student\'s stream carries the class state at once and each change of pace or broadcast within a moment, never events that change nothing', async t => {
	const running = await startClassroom({listen: '127.0.0.1:0', database: join(newFolder(), 'class.db')});
	t.teardown(async () => running.close());
	const base = joinUrl(running.join);
	const instructor = instructorToken(running.dashboard);
	const ann = (await post(`${base}/join`, {name: 'Ann'})).body as {student: string; token: string};

	// Without a student's token there is no stream.
	t.is((await fetch(`${base}/state/stream`)).status, 401);
	t.is((await fetch(`${base}/state/stream`, {headers: {authorization: 'Bearer nope'}})).status, 401);

	const files = classroomFiles(newFolder());
	const membership: Membership = {url: base, name: 'Ann', student: ann.student, token: ann.token, joinedAt: ''};
	const seen: Array<{state: ClassState; at: number}> = [];
	const stop = watchClassState(files, membership, state => seen.push({state, at: Date.now()}));
	t.teardown(stop);
	await waitFor(() => seen.length === 1, {timeout: 5000});
	t.deepEqual(seen[0]!.state, {pace: null, broadcast: null}, 'the state as it is, on opening');

	// A verdict changes the dashboard, not the class state: nothing is sent for it.
	await post(`${base}/events`, {events: [verdict('copy', 'export', 'pass')]}, ann.token);
	const paced = Date.now();
	await post(`${origin(running.join)}/api/pace`, {lesson: 'enter', step: 'chroot'}, instructor);
	await waitFor(() => seen.length === 2, {timeout: 5000});
	t.like(seen[1]!.state, {pace: {lesson: 'enter', step: 'chroot'}});
	t.true(seen[1]!.at - paced < 1000, `the pace arrived ${seen[1]!.at - paced} ms after the click`);
	await post(`${origin(running.join)}/api/broadcast`, {text: 'break until ten'}, instructor);
	await waitFor(() => seen.length === 3, {timeout: 5000});
	t.like(seen[2]!.state, {broadcast: {text: 'break until ten'}});
	t.like(readClassState(files), {pace: {lesson: 'enter', step: 'chroot'}, broadcast: {text: 'break until ten'}}, 'kept on disk for verify');
	t.is(seen.length, 3, 'one message per change');
});

test('the stream comes back after the server restarts, and stops when asked', async t => {
	const database = join(newFolder(), 'class.db');
	const first = await startClassroom({listen: '127.0.0.1:0', database});
	const base = joinUrl(first.join);
	const {port} = new URL(base);
	const ann = (await post(`${base}/join`, {name: 'Ann'})).body as {student: string; token: string};
	const seen: ClassState[] = [];
	const stop = watchClassState(classroomFiles(newFolder()), {url: base, name: 'Ann', student: ann.student, token: ann.token, joinedAt: ''}, state => seen.push(state));
	await waitFor(() => seen.length === 1, {timeout: 5000});
	await first.close();
	// The same database on the same port: the student's token and address still hold.
	const second = await startClassroom({listen: `127.0.0.1:${port}`, database});
	t.teardown(async () => second.close());
	await post(`${origin(second.join)}/api/broadcast`, {text: 'we are back'}, instructorToken(second.dashboard));
	await waitFor(() => seen.some(state => state.broadcast?.text === 'we are back'), {timeout: 10_000});
	stop();
	await post(`${origin(second.join)}/api/broadcast`, {text: 'after stop'}, instructorToken(second.dashboard));
	await new Promise(resolve => {
		setTimeout(resolve, 300);
	});
	t.false(seen.some(state => state.broadcast?.text === 'after stop'), 'a stopped watch hears nothing more');
});
