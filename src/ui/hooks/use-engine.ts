import {useEffect, type Dispatch} from 'react';
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
		let live = true;
		workshop.variables().then(
			variables => {
				if (live) {
					dispatch({type: 'variables', variables});
				}
			},
			(error: unknown) => {
				if (live) {
					fail(error);
				}
			},
		);
		return () => {
			live = false;
		};
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

		let live = true;
		workshop.observe(open).then(
			({report, setup}) => {
				if (live) {
					dispatch({type: 'report', key: openKey, report, explicit: true});
					dispatch({type: 'setup', setup});
				}
			},
			(error: unknown) => {
				if (live) {
					fail(error);
				}
			},
		);
		return () => {
			live = false;
		};
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [workshop, state.verifies]);

	const onList = state.screen === 'lessons';
	useEffect(() => {
		if (!onList) {
			return;
		}

		let live = true;
		try {
			dispatch({type: 'progress', passed: workshop.progress().passed});
		} catch (error) {
			fail(error);
		}

		workshop.verify().then(
			report => {
				if (live) {
					dispatch({type: 'verified', report});
				}
			},
			(error: unknown) => {
				if (live) {
					dispatch({type: 'verified'});
					fail(error);
				}
			},
		);
		return () => {
			live = false;
		};
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [workshop, onList, state.listChecks]);
}
