import {validateCheck} from '../check/evaluate.ts';
import {interfaceNamesIn} from '../lesson/interface-names.ts';
import {loadCourse} from '../lesson/load.ts';
import {namedSteps} from '../lesson/named-steps.ts';
import type {Course, LessonError} from '../lesson/types.ts';
import {findVariables, isVariableName} from '../lesson/variables.ts';

/**
 * Validates every lesson file of a folder: parse errors, then what only a whole course shows.
 * It sits above check/ (it asks each check kind to validate its lines) and knows the steps that
 * rootcamp's own messages name: a lesson that renames one of them is an error here.
 */
export const lintCourse = (dir: string): {course: Course; errors: LessonError[]} => {
	const {course, errors} = loadCourse(dir);
	for (const lesson of course.lessons) {
		const unknownVariables = (text: string, line: number) => {
			for (const {name} of findVariables(text)) {
				if (!isVariableName(name)) {
					errors.push({file: lesson.file, line, message: `unknown variable {{${name}}}`});
				}
			}
		};

		for (const step of lesson.steps) {
			for (const command of step.commands) {
				for (const [offset, text] of command.text.split('\n').entries()) {
					unknownVariables(text, command.line + 1 + offset);
					const problem = interfaceProblem(text);
					errors.push(...(problem ? [{file: lesson.file, line: command.line + 1 + offset, message: problem}] : []));
				}
			}

			for (const check of step.checks) {
				unknownVariables(check.source, check.line);
				const problem = validateCheck(check);
				if (problem) {
					errors.push({file: lesson.file, line: check.line, message: `${check.kind} check: ${problem}`});
				}
			}
		}
	}

	errors.push(...deadNamedSteps(course));
	errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
	return {course, errors};
};

/** What is wrong with the interface names a command line makes (too long for the kernel), if anything. */
const interfaceProblem = (text: string): string | undefined => {
	try {
		interfaceNamesIn(text);
		return undefined;
	} catch (error) {
		return (error as Error).message;
	}
};

/**
 * A step that rootcamp's messages name (`namedSteps`) and that its lesson no longer has. Only
 * lessons of the course count: a course without that lesson (a test's tiny course) names none.
 */
const deadNamedSteps = (course: Course): LessonError[] => Object.values(namedSteps).flatMap(ref => {
	const [lessonId, stepId] = ref.split('/');
	const lesson = course.lessons.find(candidate => candidate.id === lessonId);
	return lesson && !lesson.steps.some(step => step.id === stepId)
		? [{file: lesson.file, line: 1, message: `rootcamp's messages send learners to ${ref}, which this lesson no longer has (src/lesson/named-steps.ts)`}]
		: [];
});
