import test from 'ava';
import {buildClassModel} from '../../src/classroom/server/model.ts';
import {classView} from '../../src/classroom/server/stats.ts';
import type {StoredEvent} from '../../src/classroom/server/store.ts';

const step = {lesson: 'enter', step: 'proc'};
const students = ['ann', 'bo', 'cy', 'di'].map(id => ({id, name: id, joinedAt: 0, leftAt: null}));

/** A student's events on the one step, each received a second after the one before. */
const eventsOf = (student: string, kinds: Array<'open' | 'pass' | 'fail' | 'try-pass' | 'try-fail'>, start = 0): StoredEvent[] => kinds.map((kind, index) => ({
	id: `${student}-${index}-event`,
	student,
	seq: 0,
	at: start + (index * 1000),
	receivedAt: start + (index * 1000),
	...step,
	...(kind === 'open' ? {kind: 'step-opened'} : {kind: 'verdict', status: kind.endsWith('pass') ? 'pass' : 'fail', ...(kind.startsWith('try') ? {attempt: true} : {}), ...(kind.endsWith('fail') ? {check: 'ns', message: 'same pid namespace'} : {})}),
}));

test('the first try is the first attempt after opening: the state a step opens in is not a try', t => {
	const model = buildClassModel(students, [
		// Failing when opened (the app checks on opening), then passes at the first try.
		...eventsOf('ann', ['fail', 'open', 'fail', 'try-pass']),
		// Fails its first try, passes the second.
		...eventsOf('bo', ['open', 'fail', 'try-fail', 'try-pass']),
		// Failing when opened, never tried: no first try at all.
		...eventsOf('cy', ['open', 'fail']),
		// Passed before it was ever opened (a whole-course verify), then opened: no try either.
		...eventsOf('di', ['pass', 'open', 'pass']),
	], new Set());
	const [stats] = classView(model, [step]).stats;
	t.like(stats, {opened: 4, passed: 3, firstTries: 2, firstTryPasses: 1});
	t.like(model.student('cy')!.cells['enter/proc'], {status: 'fail', attempts: 0, fails: 0});
	t.like(model.student('bo')!.cells['enter/proc'], {firstTry: 'fail', attempts: 2, fails: 1});
});

const minute = 60_000;
const received = (student: string, kind: 'open' | 'pass', receivedAt: number): StoredEvent => ({
	// The student's clock is an hour behind: timing must not use it.
	id: `${student}-${kind}-event`, student, seq: 0, at: receivedAt - (60 * minute), receivedAt, ...step,
	...(kind === 'open' ? {kind: 'step-opened' as const} : {kind: 'verdict' as const, status: 'pass' as const, attempt: true}),
});

/** Students who passed in `minutes` each, and `late`, who opened the step at 0 and is still on it. */
const classWith = (minutes: number[]) => buildClassModel(
	[...minutes.map((_, index) => ({id: `p${index}`, name: `p${index}`, joinedAt: 0, leftAt: null})), {id: 'late', name: 'late', joinedAt: 0, leftAt: null}],
	[...minutes.flatMap((taken, index) => [received(`p${index}`, 'open', 0), received(`p${index}`, 'pass', taken * minute)]), received('late', 'open', 0)],
	new Set(),
);

test('time on a step is the server\'s: the median of three passes, three times over it is stuck', t => {
	const model = classWith([2, 4, 6]);
	const {stats, stuck} = classView(model, [step], 12 * minute);
	t.is(stats[0]!.medianMs, 4 * minute, 'from the server\'s receive times; the student\'s clock an hour off changes nothing');
	t.deepEqual(stuck, {}, '12 minutes is not over 3 × 4');
	t.deepEqual(classView(model, [step], (12 * minute) + 1).stuck, {late: ['enter/proc']});
});

test('far over the median needs three passes, and is never under the floor of five minutes', t => {
	t.is(classView(classWith([1, 1]), [step], 60 * minute).stats[0]!.medianMs, undefined, 'two passes: no median yet');
	t.deepEqual(classView(classWith([1, 1]), [step], 60 * minute).stuck, {});
	const quick = classWith([1, 1, 1]);
	t.deepEqual(classView(quick, [step], 5 * minute).stuck, {}, '3 × 1 minute is under the floor');
	t.deepEqual(classView(quick, [step], (5 * minute) + 1).stuck, {late: ['enter/proc']});
});
