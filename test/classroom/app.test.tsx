import {join} from 'node:path';
import test from 'ava';
import {render} from 'ink-testing-library';
import {startClassroom} from '../../src/classroom/server/serve.ts';
import {classroomFiles, saveMembership} from '../../src/classroom/student/membership.ts';
import {initialState} from '../../src/ui/state/state.ts';
import {WorkshopApp} from '../../src/ui/workshop-app.tsx';
import {FakeWorkshop} from '../helpers/fake-workshop.ts';
import {enter} from '../helpers/keys.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';
import {waitFor, waitForFrame} from '../helpers/wait-for.ts';
import {get, instructorToken, joinUrl, origin, post} from './client.ts';

const newFolder = temporaryFolders('rootcamp-app-classroom-');

type View = {help: Array<{name: string; lesson?: string; step?: string}>; students: Array<{current?: {lesson: string; step: string}; cells: Record<string, {status: string; hints: number; message?: string}>}>};

test('the app reports the step opened, its verdict, the hint and a request for help (!), and shows the instructor\'s broadcast as a banner', async t => {
	const running = await startClassroom({listen: '127.0.0.1:0', database: join(newFolder(), 'class.db')});
	t.teardown(async () => running.close());
	const base = joinUrl(running.join);
	const joined = (await post(`${base}/join`, {name: 'Ann'})).body as {student: string; token: string};
	await post(`${origin(running.join)}/api/broadcast`, {text: 'ten minutes left'}, instructorToken(running.dashboard));
	// The app finds the classroom in rootcamp's state, as after `rootcamp join`.
	const state = newFolder();
	const previous = process.env.XDG_STATE_HOME;
	process.env.XDG_STATE_HOME = state;
	t.teardown(() => {
		process.env.XDG_STATE_HOME = previous;
	});
	saveMembership(classroomFiles(join(state, 'rootcamp')), {url: base, name: 'Ann', student: joined.student, token: joined.token, joinedAt: ''});

	const workshop = new FakeWorkshop({progress: {current: {lesson: 'beta', step: 'first'}}});
	const app = render(<WorkshopApp workshop={workshop} initial={initialState(workshop.course, workshop.progress(), {yes: false})} color={false} watchMs={30}/>);
	t.teardown(() => {
		app.unmount();
	});
	await waitForFrame(app.lastFrame, 'instructor: ten minutes left', 5000);
	app.stdin.write(enter);
	await waitForFrame(app.lastFrame, 'h hint');
	app.stdin.write('h');
	await waitForFrame(app.lastFrame, 'Hint:');
	await waitForFrame(app.lastFrame, '! ask for help');
	app.stdin.write('!');
	await waitForFrame(app.lastFrame, 'Asked for help');
	const view = async () => (await get(`${origin(running.join)}/api/class`, instructorToken(running.dashboard))).body as View;
	let seen: View | undefined;
	const deadline = Date.now() + 5000;
	while (Date.now() < deadline) {
		seen = await view();
		const cell = seen.students[0]?.cells['beta/first'];
		if (cell?.status === 'fail' && cell.hints > 0 && seen.help.length > 0) {
			break;
		}

		await new Promise(resolve => {
			setTimeout(resolve, 50);
		});
	}

	t.like(seen?.students[0], {current: {lesson: 'beta', step: 'first'}});
	t.like(seen?.students[0]?.cells['beta/first'], {status: 'fail', hints: 1});
	t.regex(seen?.students[0]?.cells['beta/first']?.message ?? '', /not there yet/);
	t.like(seen?.help, [{name: 'Ann', lesson: 'beta', step: 'first'}], 'the ! key asked for help on the open step');
	await waitFor(() => (app.lastFrame() ?? '').includes('instructor: ten minutes left'));
	t.pass();
});

test('the app shows the pace the instructor sets while it runs, without waiting for a heartbeat, and says what waits when the classroom goes away', async t => {
	const running = await startClassroom({listen: '127.0.0.1:0', database: join(newFolder(), 'class.db')});
	let open = true;
	t.teardown(async () => (open ? running.close() : undefined));
	const base = joinUrl(running.join);
	const joined = (await post(`${base}/join`, {name: 'Bo'})).body as {student: string; token: string};
	const state = newFolder();
	const previous = process.env.XDG_STATE_HOME;
	process.env.XDG_STATE_HOME = state;
	t.teardown(() => {
		process.env.XDG_STATE_HOME = previous;
	});
	saveMembership(classroomFiles(join(state, 'rootcamp')), {url: base, name: 'Bo', student: joined.student, token: joined.token, joinedAt: ''});
	const workshop = new FakeWorkshop({progress: {current: {lesson: 'beta', step: 'first'}}});
	const app = render(<WorkshopApp workshop={workshop} initial={initialState(workshop.course, workshop.progress(), {yes: false})} color={false} watchMs={30}/>);
	t.teardown(() => {
		app.unmount();
	});
	app.stdin.write(enter);
	await waitForFrame(app.lastFrame, 'h hint');
	// Give the first send time to settle, so the pace below cannot ride on its answer.
	await new Promise(resolve => {
		setTimeout(resolve, 300);
	});
	await post(`${origin(running.join)}/api/pace`, {lesson: 'beta', step: 'first'}, instructorToken(running.dashboard));
	await waitForFrame(app.lastFrame, 'the class is at beta/first (you are here)', 1000);

	// The server stops: the next events stay on disk, and the banner says so.
	open = false;
	await running.close();
	app.stdin.write('h');
	await waitForFrame(app.lastFrame, /\d+ events? queued: the classroom is away/, 5000);
	t.regex(app.lastFrame() ?? '', /the class is at beta\/first/, 'the last class state is still shown');
});
