import {useEffect, type Dispatch} from 'react';
import type {Variables} from '../../lesson/types.ts';
import type {Workshop} from '../../workshop/api.ts';
import {errorMessage} from '../view/errors.ts';
import {currentRef, stepKey, type Action, type AppState} from '../state/state.ts';

/**
 * The engine calls that follow the state: variables (again when the container changes), the
 * saved place on every step change, `v`, and the lesson list's verify. Failures become messages.
 */
export function useEngine(workshop: Workshop, state: AppState, dispatch: Dispatch<Action>): void {
	const fail = (error: unknown) => {
		dispatch({type: 'error', message: errorMessage(error)});
	};

	const pid = state.setup?.container?.pid;
	useEffect(() => {
		const onVariables = (variables: Variables) => {
			dispatch({type: 'variables', variables});
		};

		return follow(workshop.variables(), onVariables, fail);
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [workshop, pid]);

	const open = state.screen === 'step' ? currentRef(state) : undefined;
	const openKey = open ? stepKey(open) : undefined;
	useEffect(() => {
		if (open) {
			// Progress is kept on every move, so quitting (or a crash) never loses the place.
			workshop.setCurrent(open).catch(fail);
		}
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [workshop, openKey]);

	useEffect(() => {
		if (state.verifies === 0 || !open || !openKey) {
			return;
		}

		return follow(workshop.observe(open), ({report, setup}) => {
			dispatch({type: 'report', key: openKey, report, explicit: true});
			dispatch({type: 'setup', setup});
		}, fail);
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [workshop, state.verifies]);

	const onList = state.screen === 'lessons';
	useEffect(() => {
		if (!onList) {
			return;
		}

		try {
			dispatch({type: 'progress', passed: workshop.progress().passed});
		} catch (error) {
			fail(error);
		}

		return follow(workshop.verify(), report => {
			dispatch({type: 'verified', report});
		}, error => {
			dispatch({type: 'verified'});
			fail(error);
		});
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [workshop, onList, state.listChecks]);
}

/**
 * Follows an engine answer while the effect that asked for it is current: one that arrives after
 * the effect was cleaned up (the step changed, the list closed) is dropped. Returns the cleanup.
 */
function follow<T>(answer: Promise<T>, onValue: (value: T) => void, onError: (error: unknown) => void): () => void {
	let live = true;
	answer.then(value => {
		if (live) {
			onValue(value);
		}
	}, (error: unknown) => {
		if (live) {
			onError(error);
		}
	});
	return () => {
		live = false;
	};
}
