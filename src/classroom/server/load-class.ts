import {join} from 'node:path';
import {defaultLessonsDir, loadCourse} from '../../lesson/load.ts';
import {defaultPaths} from '../../workshop/paths.ts';
import {buildClassModel} from './model.ts';
import {openSql} from './sql.ts';
import {openStore} from './store.ts';

/** The embedded database's file, under rootcamp's state: `serve` needs no setup. */
const defaultDatabase = (env: NodeJS.ProcessEnv = process.env) => join(defaultPaths(env).state, 'classroom.db');

/** The course's steps in order: the grid's columns and the grades' tests. */
export const courseSteps = (lessonsDir?: string) => loadCourse(lessonsDir ?? defaultLessonsDir()).course.lessons
	.flatMap(lesson => lesson.steps.map(step => ({lesson: lesson.id, step: step.id, title: step.title})));

/** Opens the database (schema made if new) and folds the stored events into the class model. */
export const loadClass = async (database = defaultDatabase()) => {
	const store = await openStore(await openSql(database));
	const model = buildClassModel(store.students(), await store.events(), await store.helpDone());
	return {store, model};
};
