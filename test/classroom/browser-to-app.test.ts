import {existsSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {startClassroom} from '../../src/classroom/server/serve.ts';
import {Tmux} from '../e2e/tmux.ts';
import {cli} from '../helpers/privileged.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';
import {chromium, inPage, launch, waitIn} from './browser.ts';

const newFolder = temporaryFolders('rootcamp-class-e2e-');

test('end to end: a student joins and opens a step in the app (tmux); the instructor sees it in the browser, sets the pace and broadcasts; the app shows both; the student\'s ! reaches the help queue, and done clears it', async t => {
	if (!existsSync(chromium)) {
		t.fail('chromium is not installed: sh scripts/install-deps.sh --tests');
		return;
	}

	const running = await startClassroom({listen: '127.0.0.1:0', database: join(newFolder(), 'class.db')});
	t.teardown(async () => running.close());
	const browser = await launch();
	t.teardown(async () => browser.close());
	const page = await browser.newPage();
	await page.goto(running.dashboard);

	// The student's terminal: an interactive shell, where they paste the join command and start the app.
	const home = newFolder();
	const tmux = new Tmux(`rootcamp-class-e2e-${process.pid}`);
	tmux.start('bash --norc --noprofile -i', {width: 110, height: 32});
	t.teardown(() => {
		tmux.kill();
	});
	tmux.type('app', `export XDG_STATE_HOME=${home}/state XDG_CACHE_HOME=${home}/cache TERM=xterm-256color`);
	tmux.type('app', `alias rootcamp='${process.execPath} ${cli}'`);
	tmux.type('app', running.join.replace('"YOUR NAME"', '"Dee Park"'));
	await tmux.waitFor('app', /Dee Park/);
	await waitIn(page, 'document.querySelector(\'#grid td.name\')?.textContent === \'Dee Park\'', 5000);
	tmux.type('app', `rootcamp --rootfs ${home}/rootfs --route busybox`);
	await tmux.waitFor('app', /Lessons[\s\S]*Enter/);
	tmux.press('app', 'Enter');
	await tmux.waitFor('app', /h hint/);

	// The dashboard sees the open step: its cell is "on it", or failing once the app's check of the
	// step as it opens has arrived (the two events race; only an opened step leaves "not started").
	const opened = '#grid td[data-status="on"], #grid td[data-status="fail"]';
	await waitIn(page, `document.querySelector('${opened}') !== null`, 5000);
	const open = await inPage<string>(page, `document.querySelector('${opened}').dataset.step`);
	t.regex(open, /^[\w-]+\/[\w-]+$/);

	// Pace and broadcast, clicked on the page, show in the student's app within a moment.
	await page.select('#pace-step', open);
	await page.click('#pace-form button');
	await page.type('#broadcast-text', 'look at /proc next');
	const clicked = Date.now();
	await page.click('#broadcast-form button');
	const screen = await tmux.waitFor('app', /instructor: look at \/proc next · the class is at \S+ \(you are here\)/, 3000);
	t.true(Date.now() - clicked < 3000, `${Date.now() - clicked} ms from the click to the student's screen`);
	t.true(screen.includes(`the class is at ${open} (you are here)`));

	// The student's ! lands in the instructor's help queue; done takes it off.
	tmux.press('app', '!');
	await tmux.waitFor('app', /Asked for help/);
	await waitIn(page, 'document.querySelectorAll(\'#help li\').length === 1', 3000);
	t.regex(await inPage<string>(page, 'document.querySelector(\'#help li span\').textContent'), new RegExp(`^Dee Park on ${open.replace('/', String.raw`\/`)}`));
	await page.click('#help li:first-child button');
	await waitIn(page, 'document.querySelectorAll(\'#help li\').length === 0', 3000);
	tmux.press('app', 'q');
});
