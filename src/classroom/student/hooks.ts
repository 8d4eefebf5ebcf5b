import type {Report, StepRef} from '../../workshop/api.ts';
import type {ClassState} from '../protocol.ts';
import {joinedClassroom} from './membership.ts';

/**
 * The reporter, loaded only for a learner who joined a classroom: with the protocol's schemas it
 * is a third of the code a `verify` would load, and a learner who never joined pays one stat.
 */
const loadReporter = async () => (joinedClassroom() ? import('./reporter.ts') : undefined);

/**
 * What `verify`, `solve` and `reset` call when they are done: nothing at all unless the learner
 * joined a classroom; then the events are queued on disk and sent within `timeoutMs` (the command
 * waits no longer; what is left goes with the next command). Returns the class state to show.
 */
export const reportVerify = async (report: Pick<Report, 'lessons'>, filter: {lesson?: string; step?: string}, timeoutMs = 1000): Promise<ClassState | undefined> => {
	const loaded = await loadReporter();
	const reporter = loaded?.openReporter();
	if (!loaded || !reporter) {
		return undefined;
	}

	// Each verify is a try of one step: the step it names, or else the step the learner was on
	// (the last one opened, when this verify covers it), or else the first one not passed.
	const current = reporter.current();
	const covers = (ref: StepRef) => report.lessons.some(lesson => lesson.id === ref.lesson && lesson.steps.some(step => step.id === ref.step));
	const attempted = filter.lesson && filter.step ? {lesson: filter.lesson, step: filter.step} : (current && covers(current) ? current : loaded.firstUnpassed(report));
	if (attempted) {
		reporter.stepOpened(attempted);
	}

	reporter.verdicts(report, attempted);
	// A wider verify then finds the learner on the first step not passed yet.
	const next = filter.step ? undefined : loaded.firstUnpassed(report);
	if (next) {
		reporter.stepOpened(next);
	}

	return (await reporter.send(timeoutMs)).state;
};

/** A step `solve` is about to run: opened. */
export const reportOpened = async (ref: StepRef) => {
	(await loadReporter())?.openReporter()?.stepOpened(ref);
};

export const reportReset = async (left: string[], timeoutMs = 1000) => {
	const reporter = (await loadReporter())?.openReporter();
	reporter?.reset({left});
	await reporter?.send(timeoutMs);
};

/** The class state in a line or two, for the end of verify's output; nothing when there is none. */
export const classStateLines = (state: ClassState | undefined): string[] => [
	...(state?.broadcast ? [`instructor: ${state.broadcast.text}`] : []),
	...(state?.pace ? [`the class is at ${state.pace.lesson}/${state.pace.step}`] : []),
];
