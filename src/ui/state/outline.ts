import type {Status} from '../../check/types.ts';
import type {Course} from '../../lesson/types.ts';
import type {StepRef} from '../../workshop/api.ts';
import type {AppState, Outline, Position} from './types.ts';

/** The course outline from a loaded course. */
export function outlineOf(course: Course): Outline {
	return course.lessons.map(lesson => ({
		id: lesson.id,
		title: lesson.title,
		steps: lesson.steps.map(step => ({id: step.id, title: step.title})),
	}));
}

/** The step at a position, or undefined when the position is outside the course. */
export function refAt(outline: Outline, position: Position): StepRef | undefined {
	const lesson = outline[position.lesson];
	const step = lesson?.steps[position.step];
	return lesson && step ? {lesson: lesson.id, step: step.id} : undefined;
}

/** The open step (or the first step of the selected lesson on the list). */
export function currentRef(state: AppState): StepRef | undefined {
	return refAt(state.outline, {lesson: state.lesson, step: state.step});
}

/** A step's status as best known: the latest verdict, else passed in saved progress. */
export function stepStatus(state: Pick<AppState, 'reports' | 'passed'>, key: string): Status | undefined {
	const report = state.reports[key];
	if (report) {
		return report.status;
	}

	return key in state.passed ? 'pass' : undefined;
}

export function positionOf(outline: Outline, ref: StepRef | undefined): Position | undefined {
	if (!ref) {
		return undefined;
	}

	const lesson = outline.findIndex(item => item.id === ref.lesson);
	const step = lesson === -1 ? -1 : outline[lesson]!.steps.findIndex(item => item.id === ref.step);
	return step === -1 ? undefined : {lesson, step};
}

export function firstOpenStep(state: Pick<AppState, 'outline' | 'reports' | 'passed'>, lesson: number): number {
	const item = state.outline[lesson];
	if (!item) {
		return 0;
	}

	const index = item.steps.findIndex(step => stepStatus(state, `${item.id}/${step.id}`) !== 'pass');
	return index === -1 ? 0 : index;
}
