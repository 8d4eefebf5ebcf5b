import {join} from 'node:path';
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import test from 'ava';
import {defaultLessonsDir, formatLessonError} from '../../src/lesson/load.ts';
import {namedSteps} from '../../src/lesson/named-steps.ts';
import {checkKinds} from '../../src/lesson/types.ts';
import {lintCourse} from '../../src/workshop/lint.ts';

const fixture = join(import.meta.dirname, '../fixtures/lint-course');
const {course, errors} = lintCourse(fixture);
const messages = errors.map(formatLessonError).map(line => line.slice(fixture.length + 1));

const reports = test.macro((t, expected: string) => {
	t.true(messages.includes(expected), `expected "${expected}" among:\n${messages.join('\n')}`);
});

test('an unknown check kind', reports, `02-broken.md:13: unknown check kind "frobnicate" (known: ${checkKinds.join(', ')})`);
test('an unknown variable', reports, '02-broken.md:9: unknown variable {{nosuchvar}}');
test('a duplicate step id', reports, '02-broken.md:18: duplicate step id "first" (first at line 6)');
test('an interface name over 15 characters', reports, '02-broken.md:21: the interface name "averyveryverylongname" is 21 characters long; Linux allows at most 15');
test('a step without a command', reports, '02-broken.md:30: step "empty" has no command: add a ```sh host or ```sh container block');
test('a step without a check', reports, '02-broken.md:38: step "nocheck" has no check: add a ```check block, or "unobservable: <why>" inside one');
test('a duplicate lesson id', reports, `03-other.md:2: duplicate lesson id "good" (also in ${join(fixture, '01-good.md')})`);
test('a lesson id that does not match its file name', reports, '03-other.md:2: lesson id "good" does not match the file name "03-other.md" (expected id: other)');

test('"after:" must name an earlier step', reports, '02-broken.md:53: "after: broken/later" must name an earlier step');
test('"after:" must name a step of the course', reports, '02-broken.md:53: "after: nosuch/step" names no step of this course');
test('"after:" names steps as LESSON/STEP', reports, '02-broken.md:53: "after:" names steps as LESSON/STEP (got "justaword")');
test('"after:" an earlier step is fine', t => {
	t.false(messages.some(message => message.includes('good/make') || message.includes('broken/builds')), messages.join('\n'));
	const builds = course.lessons.find(lesson => lesson.id === 'broken')?.steps.find(step => step.id === 'builds');
	t.deepEqual(builds?.after.map(ref => `${ref.lesson}/${ref.step}`), ['good/make', 'broken/later', 'nosuch/step']);
});
test('a good lesson loads with its parts in place', t => {
	const good = course.lessons.find(lesson => lesson.id === 'good')!;
	t.is(good.title, 'A good lesson');
	t.is(good.intro, 'Intro.');
	const [step] = good.steps;
	t.is(step!.id, 'make');
	t.is(step!.prose, 'Why it matters.');
	t.deepEqual(step!.commands.map(command => [command.where, command.text]), [['host', 'touch {{rootfs}}/marker']]);
	t.deepEqual(step!.checks.map(check => [check.kind, check.args, check.options]), [['file', ['{{rootfs}}/marker'], {type: 'file'}]]);
	t.is(step!.hint, 'Run the command.');
});

test('the shipped lessons lint clean, with the write-up\'s lessons and step ids in order', t => {
	const shipped = lintCourse(defaultLessonsDir());
	t.deepEqual(shipped.errors.map(formatLessonError), []);
	const ids = Object.fromEntries(shipped.course.lessons.map(lesson => [lesson.id, lesson.steps.map(step => step.id)]));
	t.deepEqual(ids.copy, ['export', 'unpack']);
	t.deepEqual(ids.enter, ['chroot', 'path', 'ps', 'proc', 'tmp']);
	t.deepEqual(ids['network-basic'], ['resolv', 'apt-update', 'apt-install']);
	t.deepEqual(ids['network-advanced'], ['netns', 'veth', 'up', 'find-pid', 'move', 'inside']);
	t.deepEqual(
		shipped.course.lessons.slice(0, 4).map(lesson => lesson.title),
		['Copy-paste the target container', 'Enter back in', 'Add basic networking', 'Advanced networking'],
	);
});

test('the lessons beyond the write-up: wire, hostname and dev with their fixed step ids, right after it', t => {
	const shipped = lintCourse(defaultLessonsDir());
	const ids = shipped.course.lessons.map(lesson => lesson.id);
	t.deepEqual(ids.slice(4, 7), ['wire', 'hostname', 'dev']);
	const steps = Object.fromEntries(shipped.course.lessons.map(lesson => [lesson.id, lesson.steps.map(step => step.id)]));
	t.deepEqual(steps.wire, ['addr-host', 'addr-container', 'lo', 'ping', 'route']);
	t.deepEqual(steps.hostname, ['uts', 'sethostname']);
	t.deepEqual(steps.dev, ['tmpfs', 'nodes', 'pts']);
});

test('every step that rootcamp\'s messages send a learner to is in the shipped course', t => {
	const shipped = lintCourse(defaultLessonsDir());
	const refs = new Set(shipped.course.lessons.flatMap(lesson => lesson.steps.map(step => `${lesson.id}/${step.id}`)));
	t.deepEqual(Object.values(namedSteps).filter(ref => !refs.has(ref)), []);
});

test('renaming a step that rootcamp\'s messages name is a lint error in that lesson', t => {
	const dir = mkdtempSync(join(tmpdir(), 'rootcamp-lint-'));
	t.teardown(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	cpSync(defaultLessonsDir(), dir, {recursive: true});
	const enter = join(dir, '02-enter.md');
	writeFileSync(enter, readFileSync(enter, 'utf8').replace('{#chroot}', '{#start}'));
	t.deepEqual(lintCourse(dir).errors.map(formatLessonError), [
		`${enter}:1: rootcamp's messages send learners to enter/chroot, which this lesson no longer has (src/lesson/named-steps.ts)`,
	]);
});
