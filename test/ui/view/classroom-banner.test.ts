import test from 'ava';
import {afterDelivery, afterStreamed, classroomBanner} from '../../../src/ui/view/classroom-banner.ts';

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

test('a send\'s answer sets the class state only until the live stream has spoken: an answer can be older than the stream', t => {
	const older = {pace: {lesson: 'enter', step: 'proc'}, broadcast: null};
	const beforeStream = afterDelivery(undefined, {sent: 1, left: 0, state: older}, false);
	t.deepEqual(beforeStream, {state: older, queued: 0, away: false});
	const streamed = afterStreamed(beforeStream, state);
	t.deepEqual(afterDelivery(streamed, {sent: 1, left: 0, state: older}, true).state, state, 'the broadcast the stream brought stays');
	t.deepEqual(afterDelivery(undefined, {sent: 0, left: 2, problem: 'the classroom did not answer'}, false), {state: undefined, queued: 2, away: true});
	t.false(afterDelivery(undefined, {sent: 0, left: 2, problem: 'another rootcamp is sending'}, false).away, 'another sender is not the server away');
	t.deepEqual(afterStreamed({queued: 2, away: true}, state), {queued: 2, away: true, state}, 'the stream does not clear what waits; the next send does');
});
