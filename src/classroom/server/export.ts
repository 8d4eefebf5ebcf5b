import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {stringify} from 'csv-stringify/sync';
import {junitXml, type GradedStep} from '../junit.ts';
import {cellKey, type ClassModel, type StudentRow} from './model.ts';

export type CourseStep = {lesson: string; step: string; title: string};

/** A student's steps for grading: passed is 1; skipped (not applicable on their host) is not counted as available. */
const graded = (student: StudentRow, steps: CourseStep[]): GradedStep[] => steps.map(step => {
	const cell = student.cells[cellKey(step.lesson, step.step)];
	const status = cell?.status === 'pass' || cell?.status === 'fail' || cell?.status === 'skip' ? cell.status : 'todo';
	return {...step, status, message: cell?.message, expected: cell?.expected, actual: cell?.actual};
});

/**
 * One row per student: their name and id, one column per step (1 passed, 0 not), and GitHub
 * Classroom's `points_awarded` and `points_available`, written by a CSV library (quoting is its job).
 */
export const classCsv = (model: ClassModel, steps: CourseStep[]): string => {
	const rows = model.students().map(student => {
		const grades = graded(student, steps);
		return [
			student.name,
			student.id,
			...grades.map(step => (step.status === 'pass' ? 1 : 0)),
			grades.filter(step => step.status === 'pass').length,
			grades.filter(step => step.status !== 'skip').length,
		];
	});
	return stringify(rows, {header: true, columns: ['roster_identifier', 'student_id', ...steps.map(step => cellKey(step.lesson, step.step)), 'points_awarded', 'points_available']});
};

/** A file name from a student's name, with their id's start so two Anns get two files. */
const fileName = (student: StudentRow) => `${student.name.normalize('NFKD').replaceAll(/[^\w-]+/g, '-').replaceAll(/^-+|-+$/g, '').slice(0, 40) || 'student'}-${student.id.slice(0, 8)}.xml`;

/** One JUnit XML file per student into `dir`; returns the files written. */
export const writeClassJunit = (model: ClassModel, steps: CourseStep[], dir: string): string[] => {
	mkdirSync(dir, {recursive: true});
	return model.students().map(student => {
		const path = join(dir, fileName(student));
		writeFileSync(path, junitXml(student.name, graded(student, steps)));
		return path;
	});
};
