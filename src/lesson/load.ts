import {readdirSync, readFileSync, existsSync} from 'node:fs';
import {dirname, join, basename} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseLesson} from './parse.ts';
import type {Course, Lesson, LessonError} from './types.ts';

const lessonFile = /^(\d+)-([a-z][a-z\d-]*)\.md$/;

/** The `lessons/` folder shipped beside the code, found by walking up from this module (src/ or dist/). */
export const defaultLessonsDir = (): string => {
	let dir = dirname(fileURLToPath(import.meta.url));
	for (;;) {
		if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'lessons'))) {
			return join(dir, 'lessons');
		}

		const parent = dirname(dir);
		if (parent === dir) {
			return join(process.cwd(), 'lessons');
		}

		dir = parent;
	}
};

/** Reads every `NN-id.md` in a folder, in order; nothing lists lessons in code. */
export const loadCourse = (dir: string): {course: Course; errors: LessonError[]} => {
	const errors: LessonError[] = [];
	let names: string[];
	try {
		names = readdirSync(dir).filter(name => name.endsWith('.md')).sort();
	} catch (error) {
		errors.push({file: dir, line: 0, message: `cannot read the lessons folder: ${(error as Error).message}`});
		return {course: {dir, lessons: []}, errors};
	}

	const lessons: Lesson[] = [];
	for (const name of names) {
		const file = join(dir, name);
		const match = lessonFile.exec(name);
		if (!match) {
			errors.push({file, line: 1, message: `lesson files are named NN-<id>.md (got "${basename(name)}")`});
			continue;
		}

		const parsed = parseLesson(readFileSync(file, 'utf8'), file, Number(match[1]));
		errors.push(...parsed.errors);
		if (!parsed.lesson) {
			continue;
		}

		if (parsed.lesson.id && parsed.lesson.id !== match[2]) {
			errors.push({file, line: 2, message: `lesson id "${parsed.lesson.id}" does not match the file name "${name}" (expected id: ${match[2]})`});
		}

		const first = lessons.find(other => other.id === parsed.lesson!.id);
		if (first) {
			errors.push({file, line: 2, message: `duplicate lesson id "${first.id}" (also in ${first.file})`});
			continue;
		}

		lessons.push(parsed.lesson);
	}

	errors.push(...unknownPrerequisites(lessons));
	return {course: {dir, lessons}, errors};
};

/** Every `after:` names a step that comes earlier in the course: a later or unknown one could never be done first. */
const unknownPrerequisites = (lessons: Lesson[]): LessonError[] => {
	const order = new Map(lessons.flatMap(lesson => lesson.steps.map(step => `${lesson.id}/${step.id}`)).map((key, index) => [key, index]));
	return lessons.flatMap(lesson => lesson.steps.flatMap(step => step.after.flatMap(ref => {
		const key = `${ref.lesson}/${ref.step}`;
		const at = order.get(key);
		if (at === undefined) {
			return [{file: lesson.file, line: ref.line, message: `"after: ${key}" names no step of this course`}];
		}

		return at < order.get(`${lesson.id}/${step.id}`)! ? [] : [{file: lesson.file, line: ref.line, message: `"after: ${key}" must name an earlier step`}];
	})));
};

/** Finds a lesson and step by id; undefined when either is unknown. */
export const findStep = (course: Course, lessonId: string, stepId: string) => {
	const lesson = course.lessons.find(candidate => candidate.id === lessonId);
	const step = lesson?.steps.find(candidate => candidate.id === stepId);
	return lesson && step ? {lesson, step} : undefined;
};

/** `file:line: message`, the form editors jump to. */
export const formatLessonError = (error: LessonError): string => `${error.file}:${error.line}: ${error.message}`;
