import {useEffect, useRef, type Dispatch} from 'react';
import type {Workshop} from '../../workshop/api.ts';
import {errorMessage} from '../view/errors.ts';
import {currentRef, stepKey, type Action, type AppState} from '../state/state.ts';

// Elapsed time is shown to a tenth of a second below ten seconds.
const tickMs = 200;

/** Runs the open step when the state says so, streams its events, and aborts it on Ctrl-C. */
export function useRun(workshop: Workshop, state: AppState, dispatch: Dispatch<Action>): void {
	const controller = useRef<AbortController | undefined>(undefined);
	const runId = state.run.phase === 'running' ? state.run.id : undefined;
	const ref = currentRef(state);
	useEffect(() => {
		if (runId === undefined || !ref) {
			return;
		}

		const abort = new AbortController();
		controller.current = abort;
		const key = stepKey(ref);
		workshop.runStep(ref, {signal: abort.signal, onEvent(event) {
			dispatch({type: 'run-event', event});
		}})
			.then(
				result => {
					dispatch({type: 'run-finished', key, result, now: Date.now()});
				},
				(error: unknown) => {
					dispatch({type: 'run-failed', message: errorMessage(error), now: Date.now()});
				},
			)
			.finally(() => {
				if (controller.current === abort) {
					controller.current = undefined;
				}
			});
		const timer = setInterval(() => {
			dispatch({type: 'tick', now: Date.now()});
		}, tickMs);
		return () => {
			clearInterval(timer);
		};
	// One effect per run: the id changes exactly when a run starts.
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [runId]);

	const stopping = state.run.phase === 'running' && state.run.stopping;
	useEffect(() => {
		if (stopping) {
			controller.current?.abort();
		}
	}, [stopping]);

	// Leaving the app mid-run must not leave the command running behind it.
	useEffect(() => () => controller.current?.abort(), []);
}
