import {formatLessonError} from '../lesson/load.ts';
import {lintCourse} from '../workshop/lint.ts';
import type {Output} from './output.ts';

/** `rootcamp lint [DIR]`: every problem as `file:line: message`; exit 2 when there is any. */
export const lintCommand = (dir: string, output: Output): number => {
	const {course, errors} = lintCourse(dir);
	for (const error of errors) {
		output.err(formatLessonError(error));
	}

	if (errors.length === 0) {
		const steps = course.lessons.reduce((sum, lesson) => sum + lesson.steps.length, 0);
		output.out(`${course.lessons.length} lessons, ${steps} steps: no problems`);
	}

	return errors.length > 0 ? 2 : 0;
};
