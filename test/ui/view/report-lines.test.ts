import test from 'ava';
import {lineText, type Line} from '../../../src/ui/view/lines.ts';
import {runEventPrinter, verdictLines} from '../../../src/ui/view/report-lines.ts';
import type {StepReport} from '../../../src/workshop/api.ts';

const texts = (rows: Line[]) => rows.map(row => lineText(row));

const failing: StepReport = {
	id: 'proc', title: 'Mount /proc', status: 'fail', message: '/proc is not mounted', expected: 'proc on /proc', actual: 'nothing', checks: [
		{status: 'fail', message: '/proc is not mounted', check: 'mount proc'},
		{status: 'fail', message: 'remount /proc in the new namespace', check: 'mount proc advice', advice: true},
	],
};

test('a failing step: mark, ref and title, the advice, message, expected, actual and the hint on one line', t => {
	t.deepEqual(texts(verdictLines('enter', failing, 'Run\nmount -t proc proc /proc')), [
		'✗ enter/proc  Mount /proc',
		'    rootcamp advises: remount /proc in the new namespace',
		'    /proc is not mounted',
		'    expected: proc on /proc',
		'    actual:   nothing',
		'    hint: Run mount -t proc proc /proc',
	]);
});

test('a passing step is one row; a skip says why, with no hint', t => {
	t.deepEqual(texts(verdictLines('enter', {...failing, status: 'pass', checks: []}, 'unused')), ['✓ enter/proc  Mount /proc']);
	t.deepEqual(texts(verdictLines('enter', {...failing, status: 'skip', message: 'no container', checks: []}, 'unused')), ['– enter/proc  Mount /proc', '    no container']);
});

test('the run printer: a prompt per command line, the output logged line by line with only what a carriage return drew last', t => {
	const rows: string[] = [];
	const printer = runEventPrinter({rows: printed => rows.push(...texts(printed))});
	printer.onEvent({type: 'start', command: {where: 'host', text: 'mkdir -v /r\n\ncd /r', startsContainer: false, inShell: false}});
	printer.onEvent({type: 'start', command: {where: 'container', text: 'mount -t proc proc /proc', startsContainer: false, inShell: false}});
	printer.onEvent({type: 'output', chunk: 'one\n 10%\r 50%\r100%\ntw'});
	printer.onEvent({type: 'output', chunk: 'o'});
	printer.flush();
	t.deepEqual(rows, ['$ mkdir -v /r', '$ cd /r', 'container $ mount -t proc proc /proc', 'one', '100%', 'two']);
});

test('the run printer passes output through on a terminal, and leaves progress to it', t => {
	const rows: string[] = [];
	let raw = '';
	const printer = runEventPrinter({rows: printed => rows.push(...texts(printed)), raw(chunk) {
		raw += chunk;
	}});
	printer.onEvent({type: 'output', chunk: ' 10%\r 50%'});
	printer.onEvent({type: 'progress', done: 1, total: 2, unit: 'packages'});
	printer.flush();
	t.is(raw, ' 10%\r 50%');
	t.deepEqual(rows, []);
});

test('logged progress: at most one line a second, and always the last', t => {
	const rows: string[] = [];
	const printer = runEventPrinter({rows: printed => rows.push(...texts(printed))});
	for (let done = 1; done <= 50; done++) {
		printer.onEvent({type: 'progress', done, total: 50, unit: 'files'});
	}

	t.is(rows.length, 2);
	t.regex(rows[0]!, /^progress: .*1/);
	t.regex(rows[1]!, /^progress: 100%/);
});
