import {firstOpenStep} from './outline.ts';
import {isBusy} from './run.ts';
import type {AppState, NavigationAction, Outline, Position} from './types.ts';

/** The slice of the reducer that moves through the course: the list, the steps, the hint, the diagram, scrolling. */
export function navigate(state: AppState, action: NavigationAction): AppState {
	switch (action.type) {
		case 'move': {
			if (state.screen !== 'lessons' || state.outline.length === 0) {
				return state;
			}

			const lesson = Math.min(state.outline.length - 1, Math.max(0, state.lesson + action.delta));
			return lesson === state.lesson ? state : {...state, lesson, step: 0, notice: undefined};
		}

		case 'open': {
			const item = state.outline[state.lesson];
			if (state.screen !== 'lessons' || !item) {
				return state;
			}

			if (item.steps.length === 0) {
				return {...state, notice: `${item.title} has no steps.`};
			}

			const step = state.resume?.lesson === state.lesson ? state.resume.step : firstOpenStep(state, state.lesson);
			return {...goTo(state, {lesson: state.lesson, step}), screen: 'step'};
		}

		case 'next':
		case 'previous': {
			if (state.screen !== 'step' || isBusy(state)) {
				return state;
			}

			const position = nextPosition(state.outline, state, action.type === 'next' ? 1 : -1);
			if (!position) {
				return {...state, notice: action.type === 'next' ? 'This is the last step of the course.' : 'This is the first step.'};
			}

			return goTo(state, position);
		}

		case 'lessons': {
			if (isBusy(state)) {
				return state;
			}

			return {...state, screen: 'lessons', run: {phase: 'idle'}, hint: false, error: undefined, notice: undefined, listChecks: state.listChecks + 1};
		}

		case 'hint': {
			return state.screen === 'step' ? {...state, hint: !state.hint} : state;
		}

		case 'diagram': {
			return state.screen === 'step' ? {...state, diagram: !state.diagram, scroll: 0} : state;
		}

		case 'scroll': {
			const scroll = Math.min(Math.max(0, action.max), Math.max(0, state.scroll + action.delta));
			return scroll === state.scroll ? state : {...state, scroll};
		}
	}
}

// Moving to another step starts it fresh: no hint, top of the prose, no stale run output.
function goTo(state: AppState, position: Position): AppState {
	if (position.lesson === state.lesson && position.step === state.step && state.screen === 'step') {
		return state;
	}

	return {
		...state,
		screen: 'step',
		lesson: position.lesson,
		step: position.step,
		resume: position,
		run: {phase: 'idle'},
		hint: false,
		scroll: 0,
		error: undefined,
		notice: undefined,
	};
}

function nextPosition(outline: Outline, from: Position, direction: 1 | -1): Position | undefined {
	const lesson = outline[from.lesson];
	const step = from.step + direction;
	if (lesson && step >= 0 && step < lesson.steps.length) {
		return {lesson: from.lesson, step};
	}

	// Cross into the neighbouring lesson, skipping any without steps.
	for (let index = from.lesson + direction; index >= 0 && index < outline.length; index += direction) {
		const count = outline[index]!.steps.length;
		if (count > 0) {
			return {lesson: index, step: direction === 1 ? 0 : count - 1};
		}
	}

	return undefined;
}
