import {isDeepStrictEqual} from 'node:util';
import {stepKey} from '../../workshop/progress.ts';
import {currentRef} from './outline.ts';
import {isBusy} from './run.ts';
import type {AppState, ReportAction} from './types.ts';

/** The slice of the reducer for what the engine tells: verdicts, changes, the diagram's facts, errors. */
export function reportSlice(state: AppState, action: ReportAction): AppState {
	switch (action.type) {
		case 'verify': {
			return state.screen === 'step' && !isBusy(state) ? {...state, verifies: state.verifies + 1, verifying: true, notice: undefined} : state;
		}

		case 'report': {
			const previous = state.reports[action.key];
			const isCurrent = currentRef(state) !== undefined && stepKey(currentRef(state)!) === action.key;
			const clearError = state.error?.source === 'watch' || (action.explicit && state.error !== undefined);
			// A watch round that finds nothing new keeps the state as it is, so nothing re-renders.
			if (isDeepStrictEqual(previous, action.report) && !action.explicit && !clearError) {
				return state;
			}

			return {
				...state,
				reports: {...state.reports, [action.key]: action.report},
				verifying: action.explicit ? false : state.verifying,
				hint: state.hint || (action.explicit && isCurrent && action.report.status === 'fail'),
				error: clearError ? undefined : state.error,
			};
		}

		case 'verified': {
			const reports = {...state.reports};
			for (const lesson of action.report?.lessons ?? []) {
				for (const step of lesson.steps) {
					reports[`${lesson.id}/${step.id}`] = step;
				}
			}

			return {...state, reports, listChecked: state.listChecks};
		}

		case 'changes': {
			return {...state, changes: {...state.changes, [action.key]: action.changes}};
		}

		case 'setup': {
			return isDeepStrictEqual(state.setup, action.setup) ? state : {...state, setup: action.setup};
		}

		case 'variables': {
			return isDeepStrictEqual(state.variables, action.variables) ? state : {...state, variables: action.variables};
		}

		case 'progress': {
			return isDeepStrictEqual(state.passed, action.passed) ? state : {...state, passed: {...action.passed}};
		}

		case 'error': {
			if (state.error?.message === action.message) {
				return state;
			}

			return {...state, error: {message: action.message, source: action.source ?? 'action'}, verifying: false};
		}
	}
}
