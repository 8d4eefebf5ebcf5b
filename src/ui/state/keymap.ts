import type {KeyHelp} from '../view/sections.ts';
import type {Action, AppState} from './state.ts';

/** The parts of Ink's `Key` the app reads. */
export type KeyPress = {
	upArrow?: boolean;
	downArrow?: boolean;
	leftArrow?: boolean;
	rightArrow?: boolean;
	pageUp?: boolean;
	pageDown?: boolean;
	return?: boolean;
	escape?: boolean;
	ctrl?: boolean;
};

/** What the step screen's prose viewport allows: how far it scrolls and by how much a page. */
export type ScrollView = {maxScroll: number; page: number};

/**
 * The action a key means in this state, or undefined. Pure, so the whole keymap is unit-tested;
 * `now` stamps run starts (the reducer never reads the clock).
 */
export function keyToAction(state: AppState, input: string, key: KeyPress, view: ScrollView, now: number): Action | undefined {
	if (key.ctrl && input === 'c') {
		return {type: 'interrupt'};
	}

	if (state.screen === 'lessons') {
		if (key.upArrow || input === 'k') {
			return {type: 'move', delta: -1};
		}

		if (key.downArrow || input === 'j') {
			return {type: 'move', delta: 1};
		}

		// `\n`: an Enter typed before the terminal was put in raw mode arrives as a line feed.
		if (key.return || key.rightArrow || input === ' ' || input === '\n') {
			return {type: 'open'};
		}

		return onEveryScreen(input);
	}

	const scroll = (delta: number): Action => ({type: 'scroll', delta, max: view.maxScroll});
	// Scrolling and the hint stay available in every phase: reading does not disturb a run.
	if (input === 'j' || key.downArrow) {
		return scroll(1);
	}

	if (input === 'k' || key.upArrow) {
		return scroll(-1);
	}

	if (key.pageDown || input === ' ') {
		return scroll(view.page);
	}

	if (key.pageUp) {
		return scroll(-view.page);
	}

	if (input === 'h') {
		return {type: 'hint'};
	}

	if (input === 'd') {
		return {type: 'diagram'};
	}

	switch (state.run.phase) {
		case 'confirm': {
			if (input === 'y' || input === 'Y') {
				return {type: 'confirm', now};
			}

			if (input === 'n' || input === 'N' || key.escape) {
				return {type: 'decline'};
			}

			return undefined;
		}

		case 'running': {
			return undefined;
		}

		default: {
			break;
		}
	}

	if (input === 'r') {
		return {type: 'run', now};
	}

	if (input === 'v') {
		return {type: 'verify'};
	}

	if (input === 'n' || key.rightArrow) {
		return {type: 'next'};
	}

	if (input === 'p' || key.leftArrow) {
		return {type: 'previous'};
	}

	if (input === 'l' || key.escape) {
		return {type: 'lessons'};
	}

	return onEveryScreen(input);
}

/** The keys that work on the list and on a step alike: a shell in the container, and quit. */
function onEveryScreen(input: string): Action | undefined {
	if (input === 's') {
		return {type: 'shell'};
	}

	if (input === '!') {
		return {type: 'help-request'};
	}

	return input === 'q' ? {type: 'quit'} : undefined;
}

/** The keys the footer lists in this state: always the ones that work right now. */
export function footerKeys(state: AppState, options: {scrolls: boolean; narrow: boolean}): KeyHelp[] {
	if (state.screen === 'lessons') {
		return [
			{key: '↑↓', label: 'choose'},
			{key: 'Enter', label: 'open'},
			{key: 's', label: 'shell'},
			{key: 'q', label: 'quit'},
		];
	}

	const reading: KeyHelp[] = [
		...(options.scrolls ? [{key: 'j/k', label: 'scroll'}] : []),
		{key: 'h', label: state.hint ? 'hide hint' : 'hint'},
		...(options.narrow ? [{key: 'd', label: state.diagram ? 'prose' : 'diagram'}] : []),
	];
	switch (state.run.phase) {
		case 'confirm': {
			return [{key: 'y', label: 'run it'}, {key: 'n', label: 'cancel'}, ...reading];
		}

		case 'running': {
			return [{key: 'Ctrl-C', label: 'stop'}, ...reading];
		}

		default: {
			return [
				{key: 'r', label: 'run it for me'},
				{key: 'v', label: 'verify'},
				...reading,
				{key: 'n/→', label: 'next'},
				{key: 'p/←', label: 'previous'},
				{key: 'l', label: 'lessons'},
				{key: 's', label: 'shell'},
				...(state.classroom ? [{key: '!', label: 'ask for help'}] : []),
				{key: 'q', label: 'quit'},
			];
		}
	}
}
