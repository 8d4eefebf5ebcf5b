import {existsSync, rmSync} from 'node:fs';
import {join} from 'node:path';
import {readJsonOrSetAside, writeJsonAtomic} from '../../workshop/atomic-file.ts';
import {defaultPaths} from '../../workshop/paths.ts';
import type {ClassState} from '../protocol.ts';

/** The classroom a learner joined, kept in rootcamp's state: where to report, as whom. */
export type Membership = {url: string; name: string; student: string; token: string; joinedAt: string};

/** Where the student side keeps its files: all under rootcamp's state folder. */
export const classroomFiles = (state = defaultPaths().state) => ({
	membership: join(state, 'classroom.json'),
	/** The last class state an answer carried: shown even when the server is away. */
	classState: join(state, 'classroom-state.json'),
	/** The verdicts last queued, by step: only a change is reported again. */
	verdicts: join(state, 'classroom-verdicts.json'),
	queue: join(state, 'classroom-queue'),
	/** Events the server refused alone (malformed, or too big for it): set aside, never silently dropped. */
	rejected: join(state, 'classroom-rejected'),
});

export type ClassroomFiles = ReturnType<typeof classroomFiles>;

const isMembership = (value: unknown): value is Membership =>
	typeof value === 'object' && value !== null
	&& ['url', 'name', 'student', 'token'].every(key => typeof (value as Record<string, unknown>)[key] === 'string');

/** Cheap: one stat when the learner never joined, so `verify` pays nothing for the classroom. */
export const readMembership = (files: ClassroomFiles): Membership | undefined =>
	existsSync(files.membership) ? readJsonOrSetAside(files.membership, isMembership).value : undefined;

/** Whether the learner joined a classroom: one stat, and nothing of the reporter loaded to ask. */
export const joinedClassroom = (files: ClassroomFiles = classroomFiles()): boolean => existsSync(files.membership);

export const saveMembership = (files: ClassroomFiles, membership: Membership) => {
	writeJsonAtomic(files.membership, membership);
};

/** Forgets the classroom: what was queued for it is dropped too, since no server will take it. */
export const forgetMembership = (files: ClassroomFiles) => {
	for (const path of [files.membership, files.classState, files.verdicts, files.queue]) {
		rmSync(path, {recursive: true, force: true});
	}
};

const isClassState = (value: unknown): value is ClassState =>
	typeof value === 'object' && value !== null && 'pace' in value && 'broadcast' in value;

export const readClassState = (files: ClassroomFiles): ClassState | undefined => readJsonOrSetAside(files.classState, isClassState).value;

export const saveClassState = (files: ClassroomFiles, state: ClassState) => {
	writeJsonAtomic(files.classState, state);
};
