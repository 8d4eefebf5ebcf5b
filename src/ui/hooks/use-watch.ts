import {useEffect, type Dispatch} from 'react';
import type {Status} from '../../check/types.ts';
import type {Snapshot, StepRef, Workshop} from '../../workshop/api.ts';
import {errorMessage} from '../view/errors.ts';
import {stepKey, type Action} from '../state/state.ts';

/** How often an idle step is verified: a step done by hand turns green within about a second. */
export const watchInterval = 700;

/**
 * Watches the open step while it is idle: verifies it (and reads the setup for the diagram)
 * every `intervalMs`, one round at a time, so work done in another terminal shows up by itself.
 * Each tick is one round of probes (`observe`): the host is read once, not once per question.
 */
export function useWatch(workshop: Workshop, ref: StepRef | undefined, active: boolean, dispatch: Dispatch<Action>, intervalMs = watchInterval): void {
	const key = ref ? stepKey(ref) : undefined;
	useEffect(() => {
		if (!ref || !key || !active) {
			return;
		}

		let stopped = false;
		let timer: NodeJS.Timeout | undefined;
		let previous: Status | undefined;
		let before: Snapshot | undefined;

		const round = async () => {
			try {
				// The first tick also keeps the "before" of a hand-done step: the host as the learner found it.
				const {report, setup, snapshot} = await workshop.observe(ref, {snapshot: previous === undefined});
				if (stopped) {
					return;
				}

				before ??= snapshot;
				dispatch({type: 'report', key, report, explicit: false});
				dispatch({type: 'setup', setup});
				if (before && previous !== undefined && previous !== 'pass' && report.status === 'pass') {
					const changes = await workshop.describeChanges(before, await workshop.snapshot());
					if (!stopped) {
						dispatch({type: 'changes', key, changes});
					}
				}

				previous = report.status;
			} catch (error) {
				if (!stopped) {
					dispatch({type: 'error', message: errorMessage(error), source: 'watch'});
				}
			}

			if (!stopped) {
				timer = setTimeout(() => {
					void round();
				}, intervalMs);
			}
		};

		void round();
		return () => {
			stopped = true;
			clearTimeout(timer);
		};
	// The ref object is rebuilt each render; its key names the step.
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [workshop, key, active, intervalMs, dispatch]);
}
