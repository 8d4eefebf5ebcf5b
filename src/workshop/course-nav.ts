import {namedFacts} from '../check/evaluate.ts';
import {UsageError} from '../errors.ts';
import {findStep} from '../lesson/load.ts';
import type {Course, Lesson, Step, Variables} from '../lesson/types.ts';
import {fillKnownVariables} from '../lesson/variables.ts';
import type {StepRef} from './api.ts';
import {stepKey} from './progress.ts';

/** The lessons and steps a `LESSON[/STEP]` filter names, in course order; unknown ids are a usage error. */
export function selectSteps(course: Course, filter: {lesson?: string; step?: string}): Array<{lesson: Lesson; steps: Step[]}> {
	if (!filter.lesson) {
		return course.lessons.map(lesson => ({lesson, steps: lesson.steps}));
	}

	const lesson = course.lessons.find(candidate => candidate.id === filter.lesson);
	if (!lesson) {
		throw new UsageError(`no lesson "${filter.lesson}" (lessons: ${course.lessons.map(candidate => candidate.id).join(', ')})`);
	}

	if (!filter.step) {
		return [{lesson, steps: lesson.steps}];
	}

	const step = lesson.steps.find(candidate => candidate.id === filter.step);
	if (!step) {
		throw new UsageError(`no step "${filter.step}" in ${lesson.id} (steps: ${lesson.steps.map(candidate => candidate.id).join(', ')})`);
	}

	return [{lesson, steps: [step]}];
}

/** The lesson and step a reference names; an unknown one is a usage error. */
export function requireStep(course: Course, ref: StepRef): {lesson: Lesson; step: Step} {
	const found = findStep(course, ref.lesson, ref.step);
	if (!found) {
		throw new UsageError(`no step ${stepKey(ref)} in this course`);
	}

	return found;
}

/** The reference of a step of this course. */
export function refOf(course: Course, step: Step): StepRef {
	const lesson = course.lessons.find(candidate => candidate.steps.includes(step));
	if (!lesson) {
		throw new Error(`step ${step.id} is not in this course`);
	}

	return {lesson: lesson.id, step: step.id};
}

/** The step after this one in the course, or undefined at the very end. */
export function nextStep(course: Course, ref: StepRef): StepRef | undefined {
	const flat = course.lessons.flatMap(lesson => lesson.steps.map(step => ({lesson: lesson.id, step: step.id})));
	const at = flat.findIndex(other => stepKey(other) === stepKey(ref));
	return flat[at + 1];
}

/** The interfaces the lessons make (every `link` check's name, written out): the course's own, never the host's. */
export function lessonLinks(course: Course): string[] {
	return [...new Set(course.lessons.flatMap(lesson => lesson.steps.flatMap(step => step.checks.flatMap(check => namedFacts(check).links ?? []))))];
}

/** Paths "what changed" watches: the rootfs, the tarball, the source, and every file a check names. */
export function watchedPaths(course: Course, variables: Partial<Variables>, rootfs: string): string[] {
	const paths = new Set([variables.tarball, variables.source, rootfs].filter((path): path is string => Boolean(path)));
	for (const path of course.lessons.flatMap(lesson => lesson.steps.flatMap(step => step.checks.flatMap(check => namedFacts(check).paths ?? [])))) {
		paths.add(fillKnownVariables(path, variables));
	}

	return [...paths].filter(path => !path.includes('{{'));
}
