import {validateCheck} from '../check/evaluate.ts';
import {loadCourse} from './load.ts';
import type {Course, LessonError} from './types.ts';
import {interfaceNamesIn} from './interface-names.ts';
import {findVariables, isVariableName} from './variables.ts';

/** Validates every lesson file of a folder: parse errors, then what only a whole course shows. */
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
				command.text.split('\n').forEach((text, offset) => {
					unknownVariables(text, command.line + 1 + offset);
					try {
						interfaceNamesIn(text);
					} catch (error) {
						errors.push({file: lesson.file, line: command.line + 1 + offset, message: (error as Error).message});
					}
				});
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

	errors.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
	return {course, errors};
};

/** `file:line: message`, the form editors jump to. */
export const formatLessonError = (error: LessonError): string => `${error.file}:${error.line}: ${error.message}`;
