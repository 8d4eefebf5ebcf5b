import test from 'ava';
import {lineText} from '../../../src/ui/view/lines.ts';
import {changeLines, checkLines, commandLines, footerLines, hintLines, plainInline, progressText, whereLabel, wherePhrase} from '../../../src/ui/view/sections.ts';

const labels = test.macro({
	exec(t, where: 'host' | 'container' | 'jail' | 'rootless', variables: Record<string, string>, expected: string) {
		t.is(whereLabel({where}, variables), expected);
	},
	title: (_provided, where: string, _variables, expected: string) => `${where} is labelled ${expected}`,
});

test(labels, 'host', {pid: '1'}, 'host');
test(labels, 'container', {pid: '24915'}, 'container (pid 24915)');
test(labels, 'container', {}, 'container (not running yet)');
test(labels, 'jail', {jail: '3141'}, 'jail shell (pid 3141)');
test(labels, 'rootless', {}, 'rootless shell (not running yet)');

test('where a command runs, in a sentence', t => {
	t.is(wherePhrase({where: 'host'}), 'on the host');
	t.is(wherePhrase({where: 'container'}), 'in the container');
	t.is(wherePhrase(undefined), 'on the host');
});

test('the command rows hold the command only; the label is a row of its own', t => {
	const rows = commandLines([
		{where: 'container', text: 'mount -t proc proc /proc\nmkdir -p /tmp\n', startsContainer: false, inShell: true},
	], {pid: '7'}, 80).map(row => lineText(row));
	t.deepEqual(rows, ['Command · container (pid 7) · typed into its shell', 'mount -t proc proc /proc', 'mkdir -p /tmp']);
});

test('unfolded for plain output, whatever the width', t => {
	const long = `tar -cvf /var/tmp/ubuntu_root.tar ${'dir '.repeat(30)}`.trim();
	t.is(commandLines([{where: 'host', text: long, startsContainer: false, inShell: false}], {}, 40, {fold: false}).length, 2);
	t.true(commandLines([{where: 'host', text: long, startsContainer: false, inShell: false}], {}, 40).length > 2);
});

test('checks: pass with the check, fail with message, expected and actual', t => {
	const rows = checkLines({
		id: 'proc', title: 'Mount /proc', status: 'fail', message: 'not mounted', checks: [
			{status: 'pass', check: 'file /r/proc type=dir', message: 'ok'},
			{status: 'fail', check: 'mount container /proc type=proc', message: 'nothing mounted at /proc', expected: 'proc at /proc', actual: 'nothing'},
			{status: 'skip', check: 'command container "ps"', message: 'no container'},
		],
	}, 100).map(row => lineText(row));
	t.deepEqual(rows, [
		'Checks ✗ fail',
		'  ✓ file /r/proc type=dir',
		'  ✗ mount container /proc type=proc — nothing mounted at /proc',
		'      expected: proc at /proc',
		'      actual:   nothing',
		'  – command container "ps" — no container',
	]);
});

test('advice is labelled as rootcamp\'s, marked as a reminder when not followed, and never shows expected and actual', t => {
	const rows = checkLines({
		id: 'netns', title: 'Own network', status: 'pass', message: 'ok', checks: [
			{status: 'pass', check: 'container own=pid,mnt,net', message: 'ok'},
			{status: 'fail', check: 'mount container /proc type=proc', message: 'not mounted', expected: 'proc', actual: 'nothing', advice: true},
		],
	}, 100).map(row => lineText(row));
	t.deepEqual(rows, [
		'Checks ✓ pass',
		'  ✓ container own=pid,mnt,net',
		'  ! rootcamp advises: mount container /proc type=proc — not mounted',
	]);
	const skipped = checkLines({id: 'inside', title: 'Inside', status: 'skip', message: 'nothing outside the shell can observe this step', checks: [
		{status: 'pass', check: 'link vethCont in=container up', message: 'up', advice: true},
	]}, 100, {words: true}).map(row => lineText(row));
	t.deepEqual(skipped, ['Checks – skip', '  nothing outside the shell can observe this step', '  PASS rootcamp advises: link vethCont in=container up']);
});

test('a step without checks shows why', t => {
	const rows = checkLines({id: 'path', title: 'PATH', status: 'skip', message: 'nothing outside the shell can observe this step', checks: []}, 80).map(row => lineText(row));
	t.deepEqual(rows, ['Checks – skip', '  nothing outside the shell can observe this step']);
	t.deepEqual(checkLines(undefined, 80).map(row => lineText(row)), ['Checks checking…']);
});

test('the hint loses its Markdown marks and wraps under its label', t => {
	t.is(plainInline('> **Hint:** run `ls /proc`\n> and **look**.'), 'run ls /proc and look.');
	const rows = hintLines('**Hint:** one two three four five six seven eight nine ten', 30).map(row => lineText(row));
	t.true(rows[0]!.startsWith('Hint: one'));
	t.true(rows.slice(1).every(row => row.startsWith('      ')));
});

test('changes are signed rows under a title, cut to a limit', t => {
	const rows = changeLines([{sign: '+', text: 'proc mounted on /proc (container only)'}, {sign: '~', text: 'vethCont moved: host → container'}, {sign: '-', text: 'x'}], 80, 2).map(row => lineText(row));
	t.deepEqual(rows, ['What changed', '+ proc mounted on /proc (container only)', '~ vethCont moved: host → container', '  … 1 more']);
	t.deepEqual(changeLines([], 80), []);
});

test('progress reads in its unit', t => {
	t.is(progressText({done: 3, total: 10, unit: 'packages'}), ' 30% 3 / 10 packages');
	t.is(progressText({done: 1_500_000, total: 3_000_000, unit: 'bytes'}), ' 50% 1.5 MB / 3.0 MB');
	t.is(progressText({done: 42, unit: 'files'}), '42 files');
	t.is(progressText({done: 12, total: 91, unit: 'packages', item: 'Unpacking bash'}), ' 13% 12 / 91 packages · Unpacking bash', 'the current item follows the amounts');
	t.is(progressText({done: 7, unit: 'packages', item: 'Retrieving apt'}), '7 packages · Retrieving apt');
	t.is(progressText({done: 1, unit: 'files', item: `usr/${'x'.repeat(60)}`}).length, '1 files · '.length + 48, 'a long item is cut to keep room for the bar');
});

test('the footer wraps between keys, never inside one', t => {
	const rows = footerLines([{key: 'r', label: 'run it for me'}, {key: 'v', label: 'verify'}, {key: 'q', label: 'quit'}], 24).map(row => lineText(row));
	t.deepEqual(rows, ['r run it for me', 'v verify  q quit']);
});
