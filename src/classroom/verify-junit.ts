import {writeFileSync} from 'node:fs';
import {hostname, userInfo} from 'node:os';
import type {Report} from '../workshop/api.ts';
import {junitXml} from './junit.ts';
import {classroomFiles, readMembership} from './student/membership.ts';

/** `verify --junit FILE`: this learner's verdicts as JUnit, named as in the classroom if they joined one. */
export const writeVerifyJunit = (file: string, report: Pick<Report, 'lessons'>) => {
	const learner = readMembership(classroomFiles())?.name ?? `${userInfo().username}@${hostname()}`;
	const steps = report.lessons.flatMap(lesson => lesson.steps.map(step => ({
		lesson: lesson.id, step: step.id, title: step.title, status: step.status, message: step.message, expected: step.expected, actual: step.actual,
	})));
	writeFileSync(file, junitXml(learner, steps));
};
