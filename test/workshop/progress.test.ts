import {readdirSync, readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {Journal} from '../../src/workshop/journal.ts';
import {ProgressStore} from '../../src/workshop/progress.ts';
import {temporaryFolders} from '../helpers/temp-folders.ts';

const folder = temporaryFolders('rootcamp-progress-');

test('progress is saved and read back', t => {
	const dir = folder();
	const store = new ProgressStore(dir);
	store.markPassed({lesson: 'enter', step: 'proc'});
	store.update(progress => ({...progress, current: {lesson: 'enter', step: 'tmp'}}));
	const again = new ProgressStore(dir).get();
	t.truthy(again.passed['enter/proc']);
	t.deepEqual(again.current, {lesson: 'enter', step: 'tmp'});
	t.deepEqual(readdirSync(dir), ['progress.json'], 'no temporary file is left behind');
});

test('the first pass time is kept when a step passes again', t => {
	const store = new ProgressStore(folder());
	store.markPassed({lesson: 'copy', step: 'export'});
	const first = store.get().passed['copy/export'];
	store.markPassed({lesson: 'copy', step: 'export'});
	t.is(store.get().passed['copy/export'], first);
});

const setsAside = test.macro((t, content: string) => {
	const dir = folder();
	writeFileSync(join(dir, 'progress.json'), content);
	const store = new ProgressStore(dir);
	t.deepEqual(store.get().passed, {});
	t.regex(store.warning ?? '', /set aside as .*progress\.json\.corrupt-/);
	const aside = readdirSync(dir).find(name => name.startsWith('progress.json.corrupt-'))!;
	t.is(readFileSync(join(dir, aside), 'utf8'), content, 'the broken file is kept for the learner');
});

test('a progress file that is not JSON is set aside with a warning', setsAside, '{"version": 1, "passed": {');
test('a progress file of the wrong shape is set aside with a warning', setsAside, '[1, 2, 3]');

test('the journal adds each entry once and forgets removed ones', t => {
	const dir = folder();
	const journal = new Journal(dir);
	journal.add({kind: 'link', name: 'vethHost'});
	journal.add({kind: 'link', name: 'vethHost'});
	journal.add({kind: 'rootfs', path: '/ubunturoot'});
	t.is(new Journal(dir).entries().length, 2);
	journal.remove({kind: 'link', name: 'vethHost'});
	t.deepEqual(new Journal(dir).entries(), [{kind: 'rootfs', path: '/ubunturoot'}]);
});
