import type {Report, StepRef} from '../../workshop/api.ts';
import type {ClassState} from '../protocol.ts';
import {firstUnpassed, openReporter} from './reporter.ts';

/**
 * What `verify`, `solve` and `reset` call when they are done: nothing at all unless the learner
 * joined a classroom; then the events are queued on disk and sent within `timeoutMs` (the command
 * waits no longer; what is left goes with the next command). Returns the class state to show.
 */
export const reportVerify = async (report: Pick<Report, 'lessons'>, filter: {lesson?: string; step?: string}, timeoutMs = 1000): Promise<ClassState | undefined> => {
	const reporter = openReporter();
	if (!reporter) {
		return undefined;
	}

	// Verifying one step is working on it; a whole-course verify is on the first step not passed.
	const on = filter.lesson && filter.step ? {lesson: filter.lesson, step: filter.step} : firstUnpassed(report);
	if (on) {
		reporter.stepOpened(on);
	}

	reporter.verdicts(report);
	return (await reporter.send(timeoutMs)).state;
};

/** A step `solve` is about to run: opened. */
export const reportOpened = (ref: StepRef) => {
	openReporter()?.stepOpened(ref);
};

export const reportReset = async (left: string[], timeoutMs = 1000) => {
	const reporter = openReporter();
	reporter?.reset({left});
	await reporter?.send(timeoutMs);
};

/** The class state in a line or two, for the end of verify's output; nothing when there is none. */
export const classStateLines = (state: ClassState | undefined): string[] => [
	...(state?.broadcast ? [`instructor: ${state.broadcast.text}`] : []),
	...(state?.pace ? [`the class is at ${state.pace.lesson}/${state.pace.step}`] : []),
];
