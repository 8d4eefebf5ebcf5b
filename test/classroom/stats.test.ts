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
}) as StoredEvent);

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
