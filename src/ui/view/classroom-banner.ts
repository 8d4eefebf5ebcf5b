import type {ClassState} from '../../classroom/protocol.ts';
import type {StepRef} from '../../workshop/api.ts';

/** What the app knows of the classroom: the last class state, and what waits in the queue. */
export type ClassroomStatus = {
	state?: ClassState;
	/** Events still on disk after the last send. */
	queued: number;
	/** The last send found no server (the events wait on disk and go when it returns). */
	away: boolean;
};

/**
 * The banner above the screen when the learner joined a classroom: the instructor's message, the
 * step the class is at (and whether the learner is there), and events waiting for a server that
 * is away, so a learner knows the instructor does not see the latest yet. None when there is nothing to say.
 */
export const classroomBanner = (status: ClassroomStatus, here?: StepRef): string | undefined => {
	const {state} = status;
	const parts = [
		state?.broadcast ? `instructor: ${state.broadcast.text}` : undefined,
		state?.pace ? `the class is at ${state.pace.lesson}/${state.pace.step}${here?.lesson === state.pace.lesson && here.step === state.pace.step ? ' (you are here)' : ''}` : undefined,
		status.away && status.queued > 0 ? `${status.queued} ${status.queued === 1 ? 'event' : 'events'} queued: the classroom is away` : undefined,
	].filter(part => part !== undefined);
	return parts.length > 0 ? parts.join(' · ') : undefined;
};
