import type {Course} from '../../lesson/types.ts';
import type {Progress} from '../../workshop/api.ts';
import {navigate} from './navigation.ts';
import {firstOpenStep, outlineOf, positionOf, stepStatus} from './outline.ts';
import {reportSlice} from './reports.ts';
import {isBusy, runSlice} from './run.ts';
import type {Action, AppState} from './types.ts';

export type {Action, AppState, RunProgress, RunState} from './types.ts';
export {currentRef, refAt, stepStatus} from './outline.ts';
export {stepKey} from '../../workshop/progress.ts';

/** The state the app opens in: the lesson list, its cursor on the saved step's lesson. */
export function initialState(course: Course, progress: Progress, options: {yes: boolean}): AppState {
	const outline = outlineOf(course);
	const base = {outline, reports: {}, passed: {...progress.passed}};
	const resume = positionOf(outline, progress.current);
	let lesson = resume?.lesson;
	if (lesson === undefined) {
		const open = outline.findIndex(item => item.steps.some(step => stepStatus(base, `${item.id}/${step.id}`) !== 'pass'));
		lesson = open === -1 ? 0 : open;
	}

	return {
		...base,
		screen: 'lessons',
		lesson,
		step: resume?.step ?? firstOpenStep(base, lesson),
		resume,
		confirmRuns: !options.yes,
		run: {phase: 'idle'},
		runs: 0,
		changes: {},
		hint: false,
		diagram: false,
		scroll: 0,
		verifies: 0,
		classroom: false,
		helpRequests: 0,
		verifying: false,
		listChecks: 1,
		listChecked: 0,
	};
}

/**
 * The app's only state transition: pure, so every behaviour of the UI can be unit-tested. Each
 * slice (navigation.ts, run.ts, reports.ts) owns its actions; the app's exits are here.
 */
export function reducer(state: AppState, action: Action): AppState {
	switch (action.type) {
		case 'move':
		case 'open':
		case 'next':
		case 'previous':
		case 'lessons':
		case 'hint':
		case 'diagram':
		case 'scroll': {
			return navigate(state, action);
		}

		case 'run':
		case 'confirm':
		case 'decline':
		case 'run-event':
		case 'tick':
		case 'run-finished':
		case 'run-failed':
		case 'interrupt': {
			return runSlice(state, action);
		}

		case 'verify':
		case 'report':
		case 'verified':
		case 'changes':
		case 'setup':
		case 'variables':
		case 'progress':
		case 'error': {
			return reportSlice(state, action);
		}

		case 'shell': {
			return isBusy(state) || state.run.phase === 'confirm' ? state : {...state, exit: 'shell'};
		}

		case 'returned': {
			return {...state, exit: undefined};
		}

		case 'classroom': {
			return {...state, classroom: true};
		}

		case 'help-request': {
			return state.classroom ? {...state, helpRequests: state.helpRequests + 1, notice: 'Asked for help: the instructor sees it in the help queue, in the order it came.'} : state;
		}

		case 'quit': {
			return isBusy(state) ? {...state, notice: 'A command is running: Ctrl-C stops it first.'} : {...state, exit: 'quit'};
		}
	}
}
