import test from 'ava';
import {footerKeys, keyToAction, type KeyPress} from '../../../src/ui/state/keymap.ts';
import {initialState, reducer, type Action, type AppState} from '../../../src/ui/state/state.ts';
import {fixtureCourse} from '../../helpers/fake-workshop.ts';

const list = initialState(fixtureCourse(), {version: 1, passed: {}}, {yes: false});
const step = reducer(list, {type: 'open'});
const confirming = reducer(step, {type: 'run', now: 0});
const running = reducer(confirming, {type: 'confirm', now: 0});
const view = {maxScroll: 12, page: 5};

const maps = test.macro({
	exec(t, state: AppState, input: string, key: KeyPress, expected: Action | undefined) {
		t.deepEqual(keyToAction(state, input, key, view, 42), expected);
	},
	title: (_provided, state: AppState, input: string, key: KeyPress, expected: Action | undefined) =>
		`${state.screen}/${state.run.phase}: ${JSON.stringify(input)}${Object.keys(key).length > 0 ? ` ${Object.keys(key).join('+')}` : ''} → ${expected?.type ?? 'nothing'}`,
});

test(maps, list, '', {downArrow: true}, {type: 'move', delta: 1});
test(maps, list, 'k', {}, {type: 'move', delta: -1});
test(maps, list, '', {return: true}, {type: 'open'});
test(maps, list, '\n', {}, {type: 'open'});
test(maps, list, 'q', {}, {type: 'quit'});
test(maps, list, 'r', {}, undefined);
test(maps, step, 'r', {}, {type: 'run', now: 42});
test(maps, step, 'v', {}, {type: 'verify'});
test(maps, step, 'h', {}, {type: 'hint'});
test(maps, step, 'n', {}, {type: 'next'});
test(maps, step, '', {rightArrow: true}, {type: 'next'});
test(maps, step, 'p', {}, {type: 'previous'});
test(maps, step, '', {leftArrow: true}, {type: 'previous'});
test(maps, step, 'l', {}, {type: 'lessons'});
test(maps, step, 's', {}, {type: 'shell'});
test(maps, step, 'q', {}, {type: 'quit'});
test(maps, step, 'j', {}, {type: 'scroll', delta: 1, max: 12});
test(maps, step, '', {pageDown: true}, {type: 'scroll', delta: 5, max: 12});
test(maps, step, '', {pageUp: true}, {type: 'scroll', delta: -5, max: 12});
test(maps, step, 'c', {ctrl: true}, {type: 'interrupt'});
test(maps, confirming, 'y', {}, {type: 'confirm', now: 42});
test(maps, confirming, 'n', {}, {type: 'decline'});
test(maps, confirming, 'r', {}, undefined);
test(maps, running, 'c', {ctrl: true}, {type: 'interrupt'});
test(maps, running, 'n', {}, undefined);
test(maps, running, 'q', {}, undefined);
test(maps, running, 'h', {}, {type: 'hint'});

test('the footer lists what works in each phase', t => {
	const keys = (state: AppState) => footerKeys(state, {scrolls: false, narrow: true}).map(item => item.key);
	t.deepEqual(keys(list), ['↑↓', 'Enter', 's', 'q']);
	t.deepEqual(keys(step), ['r', 'v', 'h', 'd', 'n/→', 'p/←', 'l', 's', 'q']);
	t.deepEqual(keys(confirming), ['y', 'n', 'h', 'd']);
	t.deepEqual(keys(running), ['Ctrl-C', 'h', 'd']);
	t.true(footerKeys(step, {scrolls: true, narrow: false}).some(item => item.key === 'j/k'));
});
