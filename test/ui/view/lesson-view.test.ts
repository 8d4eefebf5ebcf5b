import test from 'ava';
import {buildLessonView, lessonProgress} from '../../../src/ui/view/lesson-view.ts';
import {lineText} from '../../../src/ui/view/lines.ts';
import {initialState} from '../../../src/ui/state/state.ts';
import {fixtureCourse} from '../../helpers/fake-workshop.ts';

const course = fixtureCourse();
const banner = 'BANNER ONE\nBANNER TWO\n';

test('progress counts passing steps; a verdict beats the saved progress', t => {
	const state = initialState(course, {version: 1, passed: {'alpha/one': 'x', 'alpha/two': 'x'}}, {yes: false});
	t.like(lessonProgress(state, 0), {passed: 2, total: 2});
	const failing = {...state, reports: {'alpha/two': {id: 'two', title: 'Start the container', status: 'fail' as const, message: '', checks: []}}};
	t.like(lessonProgress(failing, 0), {passed: 1, total: 2});
});

test('the banner shows when there is room and goes first when there is not', t => {
	const state = initialState(course, {version: 1, passed: {}}, {yes: false});
	const tall = buildLessonView(state, {banner, columns: 80, rows: 24, checking: false});
	t.deepEqual(tall.banner.slice(0, 2).map(row => lineText(row)), ['BANNER ONE', 'BANNER TWO']);
	const short = buildLessonView(state, {banner, columns: 80, rows: 12, checking: false});
	t.deepEqual(short.banner, []);
	t.true(short.lines.map(row => lineText(row)).some(row => row.includes('Beta lesson')));
});

test('Enter says where it goes', t => {
	const resumed = initialState(course, {version: 1, passed: {}, current: {lesson: 'alpha', step: 'two'}}, {yes: false});
	const rows = buildLessonView(resumed, {columns: 80, rows: 24, checking: false}).lines.map(row => lineText(row));
	t.true(rows.includes('Enter resumes at alpha/two: Start the container'));
	t.true(rows.some(row => row.includes('Start the container  ← you are here')));
});
