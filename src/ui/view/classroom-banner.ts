import type {ClassState} from '../../classroom/protocol.ts';
import type {Delivery} from '../../classroom/student/sender.ts';
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
 * The status after a send of the queue. Its class state is the server's answer (or the one kept on
 * disk), taken only until the live stream has spoken: the answer can be older than the stream's
 * (an event sent before a broadcast, answered after the stream brought it). "Another rootcamp is
 * sending" is not the server being away: only a failed exchange is.
 */
export const afterDelivery = (previous: ClassroomStatus | undefined, delivery: Delivery, streamed: boolean): ClassroomStatus => ({
	state: streamed ? previous?.state : delivery.state ?? previous?.state,
	queued: delivery.left,
	away: delivery.problem !== undefined && !delivery.problem.startsWith('another'),
});

/** The status after the live stream brought a class state: the server is there. */
export const afterStreamed = (previous: ClassroomStatus | undefined, state: ClassState): ClassroomStatus => ({queued: 0, away: false, ...previous, state});

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
