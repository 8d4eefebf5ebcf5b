import {execFile} from 'node:child_process';
import {join} from 'node:path';
import test from 'ava';
import {startClassroom} from '../../src/classroom/server/serve.ts';
import {cli} from '../helpers/privileged.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';
import {get, instructorToken, joinUrl, origin} from './client.ts';

const newFolder = temporaryFolders('rootcamp-no-sqlite-');
const preload = new URL('without-sqlite.cjs', import.meta.url).pathname;

/** rootcamp in a process where better-sqlite3 cannot be loaded. */
const rootcamp = async (state: string, args: string[]) => new Promise<{status: number; stdout: string; stderr: string}>(resolve => {
	execFile(process.execPath, ['--require', preload, cli, ...args], {env: {...process.env, XDG_STATE_HOME: state, NO_COLOR: '1'}}, (error, stdout, stderr) => {
		resolve({status: error ? Number(error.code) : 0, stdout, stderr});
	});
});

test('without better-sqlite3 the student side works, and classroom serve says what is missing', async t => {
	const running = await startClassroom({listen: '127.0.0.1:0', database: join(newFolder(), 'class.db')});
	t.teardown(async () => running.close());
	const state = join(newFolder(), 'state');
	t.is((await rootcamp(state, ['join', joinUrl(running.join), '--name', 'Ann'])).status, 0);
	const verified = await rootcamp(state, ['verify', 'copy/export', '--rootfs', join(state, 'none')]);
	t.is(verified.status, 1, verified.stderr);
	t.is((await rootcamp(state, ['help-me'])).status, 0);
	const view = (await get(`${origin(running.join)}/api/class`, instructorToken(running.dashboard))).body as {students: Array<{cells: Record<string, {status: string}>}>; help: unknown[]};
	t.is(view.students[0]!.cells['copy/export']!.status, 'fail');
	t.is(view.help.length, 1);

	const serve = await rootcamp(state, ['classroom', 'serve', '--listen', '127.0.0.1:0']);
	t.is(serve.status, 2);
	t.regex(serve.stderr, /the embedded database needs better-sqlite3.*scripts\/build-sqlite\.sh.*--db postgres/);
});
