import {execFile} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {existsSync, mkdirSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import type {Page} from 'puppeteer-core';
import {startClassroom} from '../../src/classroom/server/serve.ts';
import {courseSteps} from '../../src/classroom/server/load-class.ts';
import {cli} from '../helpers/privileged.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';
import {artifacts, chromium, inPage, launch, waitIn} from './browser.ts';
import {get, joinUrl, post, verdict} from './client.ts';

const newFolder = temporaryFolders('rootcamp-dashboard-');
const xss = '<img src=x onerror=alert(1)>';

const event = (kind: string, fields: Record<string, unknown> = {}) => ({id: randomUUID(), kind, at: Date.now(), ...fields});

const text = async (page: Page, selector: string) => inPage<string | undefined>(page, `document.querySelector(${JSON.stringify(selector)})?.textContent`);

const statusOf = async (page: Page, student: string, step: string) => inPage<{status: string; stuck: string; title: string}>(page, `(cell => ({status: cell.dataset.status, stuck: cell.dataset.stuck, title: cell.title}))(document.querySelector('tr[data-student="${student}"] td[data-step="${step}"]'))`);

test('the dashboard in a real browser: live cells, stuck marks, groups, help queue, pace, broadcast, and an inert name', async t => {
	if (!existsSync(chromium)) {
		t.fail('chromium is not installed: sh scripts/install-deps.sh --tests');
		return;
	}

	const running = await startClassroom({listen: '127.0.0.1:0', database: join(newFolder(), 'class.db')});
	t.teardown(async () => running.close());
	const base = joinUrl(running.join);
	const ann = (await post(`${base}/join`, {name: 'Ann'})).body as {student: string; token: string};
	const eve = (await post(`${base}/join`, {name: xss})).body as {student: string; token: string};
	const [first, second] = courseSteps();
	const firstKey = `${first!.lesson}/${first!.step}`;
	const secondKey = `${second!.lesson}/${second!.step}`;
	const where = {lesson: first!.lesson, step: first!.step};
	await post(`${base}/events`, {events: [event('step-opened', where)]}, ann.token);

	const browser = await launch();
	t.teardown(async () => browser.close());
	const page = await browser.newPage();
	const dialogs: string[] = [];
	page.on('dialog', async dialog => {
		dialogs.push(dialog.message());
		await dialog.dismiss();
	});
	const failedRequests: string[] = [];
	page.on('requestfailed', request => failedRequests.push(request.url()));
	await page.goto(running.dashboard);
	t.false(page.url().includes('token='), 'the token leaves the address bar for a cookie');
	await page.waitForSelector(`tr[data-student="${ann.student}"] td[data-step="${firstKey}"][data-status="on"]`);

	// A simulated student's step passes: the cell turns green within a second.
	const posted = Date.now();
	await post(`${base}/events`, {events: [verdict(first!.lesson, first!.step, 'pass', {attempt: true})]}, ann.token);
	await page.waitForSelector(`tr[data-student="${ann.student}"] td[data-step="${firstKey}"][data-status="pass"]`, {timeout: 1000});
	const latency = Date.now() - posted;
	t.true(latency < 1000, `${latency} ms`);
	t.is(await inPage(page, `getComputedStyle(document.querySelector('tr[data-student="${ann.student}"] td[data-step="${firstKey}"] .cell')).backgroundColor`), 'rgb(67, 160, 71)', 'green');

	// The same check failing three tries marks the student stuck (a student's rootcamp marks each try:
	// student.test.ts drives that through verify); two students failing alike are one group.
	const failure = {check: 'file {{rootfs}}/etc', message: 'no /etc in the rootfs', expected: 'a directory', actual: 'nothing', attempt: true};
	await post(`${base}/events`, {events: [event('step-opened', {lesson: second!.lesson, step: second!.step}), ...[1, 2, 3].map(() => verdict(second!.lesson, second!.step, 'fail', failure))]}, ann.token);
	await post(`${base}/events`, {events: [event('step-opened', {lesson: second!.lesson, step: second!.step}), verdict(second!.lesson, second!.step, 'fail', failure)]}, eve.token);
	await waitIn(page, `document.querySelector('tr[data-student="${ann.student}"] td[data-step="${secondKey}"]')?.dataset.stuck === 'true'`, 1000);
	t.like(await statusOf(page, ann.student, secondKey), {status: 'fail', stuck: 'true'});
	t.regex((await statusOf(page, ann.student, secondKey)).title, /no \/etc in the rootfs\nexpected: a directory\nactual: nothing/);
	t.like(await statusOf(page, eve.student, secondKey), {status: 'fail', stuck: 'false'});
	// The failing message shows in the cell itself (innerText: what is rendered, not only in the DOM), as text.
	t.is(await inPage(page, `document.querySelector('tr[data-student="${ann.student}"] td[data-step="${secondKey}"] .cell').innerText`), '✗! no /etc in the rootfs');
	await waitIn(page, 'document.querySelector(\'#groups li\')?.textContent?.startsWith(\'2 students\')');
	t.regex(await text(page, '#groups li') ?? '', new RegExp(`^2 students on ${secondKey}: no /etc in the rootfs`));
	t.regex(await text(page, `#stats tr[data-step="${firstKey}"]`) ?? '', /100% of 1/, 'first-try pass rate');
	// A long message is cut; one that looks like markup is text there too.
	await post(`${base}/events`, {events: [verdict(second!.lesson, second!.step, 'fail', {...failure, message: `ls said ${xss} and a long tail`})]}, eve.token);
	await waitIn(page, `document.querySelector('tr[data-student="${eve.student}"] td[data-step="${secondKey}"] .cell')?.innerText === '✗ ls said <img src=x onerror=…'`);

	// The help queue, in arrival order; done takes a request off it.
	await post(`${base}/events`, {events: [event('help', where)]}, eve.token);
	await post(`${base}/events`, {events: [event('help', where)]}, ann.token);
	await waitIn(page, 'document.querySelectorAll(\'#help li\').length === 2');
	t.deepEqual(await inPage(page, '[...document.querySelectorAll(\'#help li span\')].map(span => span.textContent.split(\' on \')[0])'), [xss, 'Ann']);
	await page.click('#help li:first-child button');
	await waitIn(page, 'document.querySelectorAll(\'#help li\').length === 1');
	t.regex(await text(page, '#help li span') ?? '', /^Ann/);

	// Host cleaned up, from a reset.
	await post(`${base}/events`, {events: [event('reset', {clean: true, left: []})]}, ann.token);
	await post(`${base}/events`, {events: [event('reset', {clean: false, left: ['mount /ubunturoot/proc']})]}, eve.token);
	await waitIn(page, `document.querySelector('tr[data-student="${eve.student}"] td[data-column="reset"]')?.textContent === '✗ 1 left'`);
	t.is(await text(page, `tr[data-student="${ann.student}"] td[data-column="reset"]`), '✓ clean');

	// Pace and broadcast from the page reach a student's rootcamp: its verify prints them.
	await page.select('#pace-step', secondKey);
	await page.click('#pace-form button');
	await page.type('#broadcast-text', 'pair up for the next step');
	await page.click('#broadcast-form button');
	await waitIn(page, 'document.querySelector(\'#class-state\')?.textContent?.includes(\'pair up\')');
	t.like((await get(`${base}/state`, ann.token)).body.state, {pace: {lesson: second!.lesson, step: second!.step}, broadcast: {text: 'pair up for the next step'}});
	t.true(await inPage(page, `document.querySelector('#grid th[data-step="${secondKey}"]').classList.contains('pace')`));
	const state = join(newFolder(), 'state');
	const rootcamp = async (args: string[]) => new Promise<string>(resolve => {
		execFile(process.execPath, [cli, ...args], {env: {...process.env, XDG_STATE_HOME: state, NO_COLOR: '1'}}, (_error, stdout) => {
			resolve(stdout);
		});
	});
	await rootcamp(['join', base, '--name', 'Cleo']);
	const verified = await rootcamp(['verify', 'copy/export', '--rootfs', join(state, 'none')]);
	t.regex(verified, /instructor: pair up for the next step/);
	t.regex(verified, new RegExp(`the class is at ${secondKey}`));

	// The name that looks like markup is text: no image, no alert, shown as typed.
	t.is(await text(page, `tr[data-student="${eve.student}"] td.name`), xss);
	t.is(await inPage(page, 'document.querySelectorAll(\'img\').length'), 0);
	t.deepEqual(dialogs, []);
	t.deepEqual(failedRequests, [], 'every asset is served by rootcamp itself');

	mkdirSync(artifacts, {recursive: true});
	await page.setViewport({width: 1600, height: 900});
	await page.screenshot({path: join(artifacts, 'classroom-dashboard.png'), fullPage: true});
	t.true(existsSync(join(artifacts, 'classroom-dashboard.png')));
});

test('the dashboard and its stream need the instructor\'s token', async t => {
	const running = await startClassroom({listen: '127.0.0.1:0', database: join(newFolder(), 'class.db')});
	t.teardown(async () => running.close());
	const {origin} = new URL(running.dashboard);
	t.is((await fetch(`${origin}/dashboard`)).status, 401);
	t.is((await fetch(`${origin}/dashboard?token=wrong`)).status, 401);
	t.is((await fetch(`${origin}/api/stream`)).status, 401);
	const student = (await post(`${joinUrl(running.join)}/join`, {name: 'Ann'})).body as {token: string};
	t.is((await fetch(`${origin}/api/stream`, {headers: {authorization: `Bearer ${student.token}`}})).status, 401, 'a student\'s token is not the instructor\'s');
	const page = await fetch(running.dashboard, {redirect: 'manual'});
	t.is(page.status, 303);
	t.regex(page.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
});
