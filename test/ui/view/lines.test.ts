import {stripVTControlCharacters} from 'node:util';
import test from 'ava';
import {formatSize as formatBytes} from '../../../src/check/format.ts';
import {foldCommand, formatDuration, lineText, lineToString, line, toned, truncate, visibleWidth, wrapStyled, wrapWords} from '../../../src/ui/view/lines.ts';
import {createTheme} from '../../../src/ui/view/theme.ts';

test('wrapWords breaks between words and splits words longer than a row', t => {
	t.deepEqual(wrapWords('the quick brown fox', 10), ['the quick', 'brown fox']);
	t.deepEqual(wrapWords('abcdefghijkl', 5), ['abcde', 'fghij', 'kl']);
	t.deepEqual(wrapWords('one\ntwo', 10), ['one', 'two']);
});

test('wrapStyled keeps every row within the width and each row\'s styles closed', t => {
	const bold = '\u001B[1m';
	const reset = '\u001B[0m';
	const text = `plain ${bold}bold words that go on and on${reset} tail`;
	const rows = wrapStyled(text, 12);
	t.true(rows.every(row => visibleWidth(row) <= 12));
	t.is(rows.map(row => stripVTControlCharacters(row)).join(' '), stripVTControlCharacters(text));
	// A row that starts inside the bold span reopens it.
	t.true(rows[1]!.startsWith(bold));
	t.true(rows[0]!.endsWith(reset));
});

test('wrapStyled leaves rows that fit untouched', t => {
	t.deepEqual(wrapStyled('\u001B[33mshort\u001B[39m', 20), ['\u001B[33mshort\u001B[39m']);
});

const folds = test.macro({
	exec(t, command: string, width: number, expected: string[]) {
		t.deepEqual(foldCommand(command, width), expected);
	},
	title: (provided, command: string, width: number) => `${provided ?? 'foldCommand'}: ${command.slice(0, 30)}… at ${width}`,
});

test('a short command is left alone', folds, 'mount -t proc proc /proc', 40, ['mount -t proc proc /proc']);
test('a long command folds at spaces with continuations', folds, 'docker run --rm --name ubuntu_cont --net=host -v /var/tmp:/workspace ubuntu tar -cvf /workspace/ubuntu_root.tar bin etc usr', 40, [
	'docker run --rm --name ubuntu_cont \\',
	'  --net=host -v /var/tmp:/workspace \\',
	'  ubuntu tar -cvf \\',
	'  /workspace/ubuntu_root.tar bin etc usr',
]);
test('quotes are never split', folds, String.raw`printf '#!/bin/sh\nexec /bin/sh "$@"\n with many words' > /srv/fixture-root/bin/bash`, 30, [
	'printf \\',
	'  \'#!/bin/sh\\nexec /bin/sh "$@"\\n with many words\' \\',
	'  > /srv/fixture-root/bin/bash',
]);
test('a heredoc is never folded', folds, 'cat > /etc/resolv.conf <<EOF with a very long tail of words', 20, ['cat > /etc/resolv.conf <<EOF with a very long tail of words']);

test('durations and sizes read well', t => {
	t.is(formatDuration(400), '0.4s');
	t.is(formatDuration(12_300), '12s');
	t.is(formatDuration(65_000), '1m 05s');
	t.is(formatBytes(512), '512 B');
	t.is(formatBytes(12_300_000), '12.3 MB');
});

test('truncate marks the cut', t => {
	t.is(truncate('abcdef', 4), 'abc…');
	t.is(truncate('abc', 4), 'abc');
});

test('a line renders with or without colour', t => {
	const row = line('plain ', toned('pass', 'ok'), {spinner: true});
	t.is(lineText(row), 'plain ok*');
	t.is(lineToString(row, createTheme(false)), 'plain ok*');
	t.is(lineToString(row, createTheme(true)), 'plain \u001B[32mok\u001B[0m*');
});
