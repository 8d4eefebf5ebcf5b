import {execFileSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import test from 'ava';

const root = new URL('..', import.meta.url).pathname;

/**
 * A fixture that .gitignore hides (a captured `*.log`) passes here and is missing from every
 * clone: CI then fails on a file nobody sees is absent. Nothing under test/ may be ignored.
 */
test('no file under test/ or lessons/ is hidden by .gitignore', t => {
	if (!existsSync(`${root}.git`)) {
		t.pass('not a git checkout (a packed copy): nothing can be ignored');
		return;
	}

	const ignored = execFileSync('git', ['ls-files', '--others', '--ignored', '--exclude-standard', '--', 'test', 'lessons', 'assets'], {cwd: root, encoding: 'utf8'});
	t.is(ignored, '', 'rename these, or make .gitignore let them through');
});
