import test from 'ava';
import {classroomBanner} from '../../../src/ui/view/classroom-banner.ts';

const state = {pace: {lesson: 'enter', step: 'proc'}, broadcast: {text: 'ten minutes left', at: 0}};

test('the banner says the instructor\'s message, where the class is, and whether the learner is there', t => {
	t.is(classroomBanner({state, queued: 0, away: false}), 'instructor: ten minutes left · the class is at enter/proc');
	t.is(classroomBanner({state, queued: 0, away: false}, {lesson: 'enter', step: 'proc'}), 'instructor: ten minutes left · the class is at enter/proc (you are here)');
	t.is(classroomBanner({state: {...state, broadcast: null}, queued: 0, away: false}, {lesson: 'copy', step: 'export'}), 'the class is at enter/proc');
});

test('events waiting for a server that is away are named; waiting for another sender is not the server being away', t => {
	t.is(classroomBanner({state: {pace: null, broadcast: null}, queued: 3, away: true}), '3 events queued: the classroom is away');
	t.is(classroomBanner({queued: 1, away: true}), '1 event queued: the classroom is away');
	t.is(classroomBanner({queued: 4, away: false}), undefined);
	t.is(classroomBanner({state: {pace: null, broadcast: null}, queued: 0, away: true}), undefined, 'nothing waiting, nothing to say');
});
