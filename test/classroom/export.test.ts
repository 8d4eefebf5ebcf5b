import {execFile} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {readdirSync} from 'node:fs';
import {join} from 'node:path';
import {promisify} from 'node:util';
import test from 'ava';
import {startClassroom} from '../../src/classroom/server/serve.ts';
import {courseSteps} from '../../src/classroom/server/load-class.ts';
import {writeVerifyJunit} from '../../src/classroom/verify-junit.ts';
import {cli} from '../helpers/privileged.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';
import {joinUrl, post, verdict} from './client.ts';

const run = promisify(execFile);
const newFolder = temporaryFolders('rootcamp-export-');
// Debian's python3 has Debian's python3-junitparser; a pyenv shim on PATH would not.
const python = '/usr/bin/python3';
const reader = new URL('read-grades.py', import.meta.url).pathname;

type Grades = {
	junit: Array<{suite: string; tests: number; failures: number; skipped: number; cases: Array<{name: string; classname: string; results: string[]; messages: string[]; text: string[]}>}>;
	csv: Array<Record<string, string>>;
};

const readGrades = async (csv: string, junit: string[]) => JSON.parse((await run(python, [reader, csv, ...junit])).stdout) as Grades;

const opened = (lesson: string, step: string) => ({id: randomUUID(), kind: 'step-opened', at: Date.now(), lesson, step});

test('classroom export writes a CSV a CSV parser reads and JUnit files junitparser reads, test names unique', async t => {
	const folder = newFolder();
	const database = join(folder, 'class.db');
	const running = await startClassroom({listen: '127.0.0.1:0', database});
	const base = joinUrl(running.join);
	const steps = courseSteps();
	const [first, second, third] = steps;
	const tokens: string[] = [];
	for (const name of ['Ann', 'O\'Brien, "Bo"', '<img src=x onerror=alert(1)>']) {
		tokens.push(String((await post(`${base}/join`, {name})).body.token));
	}

	await post(`${base}/events`, {events: [
		opened(first!.lesson, first!.step), verdict(first!.lesson, first!.step, 'pass'),
		opened(second!.lesson, second!.step), verdict(second!.lesson, second!.step, 'pass'),
		opened(third!.lesson, third!.step), verdict(third!.lesson, third!.step, 'fail', {check: 'file x', message: 'no <tarball> & no "luck"', expected: 'a file', actual: 'nothing'}),
	]}, tokens[0]);
	await post(`${base}/events`, {events: [verdict(first!.lesson, first!.step, 'pass')]}, tokens[1]);
	await running.close();

	const csv = join(folder, 'grades.csv');
	const junit = join(folder, 'junit');
	const exported = await run(process.execPath, [cli, 'classroom', 'export', '--db', database, '--csv', csv, '--junit', junit]);
	t.regex(exported.stdout, /3 students/);
	const files = readdirSync(junit).map(name => join(junit, name));
	t.is(files.length, 3);
	const grades = await readGrades(csv, files);

	t.deepEqual(grades.csv.map(row => row.roster_identifier), ['Ann', 'O\'Brien, "Bo"', '<img src=x onerror=alert(1)>'], 'names survive quoting');
	const ann = grades.csv[0]!;
	t.is(ann[`${first!.lesson}/${first!.step}`], '1');
	t.is(ann[`${second!.lesson}/${second!.step}`], '1');
	t.is(ann[`${third!.lesson}/${third!.step}`], '0');
	t.is(ann.points_awarded, '2');
	t.is(ann.points_available, String(steps.length));
	t.is(grades.csv[1]!.points_awarded, '1');
	t.is(grades.csv[2]!.points_awarded, '0');
	t.deepEqual(Object.keys(ann).slice(-2), ['points_awarded', 'points_available']);

	const annSuite = grades.junit.find(suite => suite.suite === 'Ann')!;
	t.is(annSuite.tests, steps.length);
	t.is(annSuite.failures, steps.length - 2);
	for (const suite of grades.junit) {
		t.is(new Set(suite.cases.map(testcase => testcase.name)).size, suite.cases.length, 'unique test names');
	}

	const failing = annSuite.cases.find(testcase => testcase.name.startsWith(`${third!.lesson}/${third!.step}:`))!;
	t.deepEqual(failing.results, ['Failure']);
	t.deepEqual(failing.messages, ['no <tarball> & no "luck"'], 'escaped by the builder, read back whole');
	t.regex(failing.text[0]!, /expected: a file\nactual: {3}nothing/);
	t.deepEqual(annSuite.cases.find(testcase => testcase.name.startsWith(`${first!.lesson}/${first!.step}:`))!.results, [], 'a pass has no result element');
	t.truthy(grades.junit.find(suite => suite.suite === '<img src=x onerror=alert(1)>'));
});

test('rootcamp verify --junit FILE writes this learner\'s verdicts as JUnit', async t => {
	const folder = newFolder();
	const file = join(folder, 'verify.xml');
	const result = await run(process.execPath, [cli, 'verify', 'copy', '--junit', file, '--rootfs', join(folder, 'none')], {env: {...process.env, XDG_STATE_HOME: join(folder, 'state')}}).catch((error: unknown) => error);
	t.is((result as {code?: number}).code, 1, 'a step fails: no rootfs');
	const [suite] = (await readGrades('-', [file])).junit;
	const copySteps = courseSteps().filter(step => step.lesson === 'copy');
	t.is(suite!.tests, copySteps.length);
	t.deepEqual(suite!.cases.map(testcase => testcase.name), copySteps.map(step => `copy/${step.step}: ${step.title}`));
	t.is(suite!.cases[0]!.classname, 'rootcamp.copy');
	t.deepEqual(suite!.cases[0]!.results, ['Failure']);
	t.regex(suite!.cases[0]!.messages[0]!, /no tarball/);
});

// A check's message can carry a program's colours and any character a student's rootcamp sent.
const noisy = 'red \u001B[31mfailed\u001B[0m, a NUL \u0000 and a bell \u0007';
const readable = 'red failed, a NUL \uFFFD and a bell \uFFFD';

test('control characters in a message: both JUnit writers drop ANSI colours and replace what XML cannot hold, so junitparser reads the file', async t => {
	const folder = newFolder();
	const database = join(folder, 'class.db');
	const running = await startClassroom({listen: '127.0.0.1:0', database});
	const base = joinUrl(running.join);
	const [first] = courseSteps();
	const token = String((await post(`${base}/join`, {name: 'Ann'})).body.token);
	await post(`${base}/events`, {events: [opened(first!.lesson, first!.step), verdict(first!.lesson, first!.step, 'fail', {attempt: true, check: 'x', message: noisy, expected: 'a \u001B[1mbold\u001B[22m file', actual: '\u0000'})]}, token);
	await running.close();
	const junit = join(folder, 'junit');
	await run(process.execPath, [cli, 'classroom', 'export', '--db', database, '--junit', junit]);
	const verifyFile = join(folder, 'verify.xml');
	writeVerifyJunit(verifyFile, {lessons: [{id: first!.lesson, title: '', steps: [{id: first!.step, title: 'a \u001B[32mtitle\u001B[0m', status: 'fail', message: noisy, checks: []}]}]});

	const grades = await readGrades('-', [...readdirSync(junit).map(name => join(junit, name)), verifyFile]);
	const [exported, verified] = grades.junit.map(suite => suite.cases.find(testcase => testcase.name.startsWith(`${first!.lesson}/${first!.step}:`))!);
	t.deepEqual(exported!.messages, [readable], 'classroom export --junit');
	t.regex(exported!.text[0]!, /expected: a bold file\nactual: {3}\uFFFD/);
	t.deepEqual(verified!.messages, [readable], 'verify --junit');
	t.is(verified!.name, `${first!.lesson}/${first!.step}: a title`);
});
