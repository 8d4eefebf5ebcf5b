import {runtimeTable, type RuntimeRow} from '../check/runtime-table.ts';
import type {Probes} from '../host/probes.ts';
import type {Course} from '../lesson/types.ts';

/** `verify --json`'s `runtime`: the learner's container beside runc's, fact by fact, while both run. */
export type RuntimeReport = {
	you: {pid: number};
	runc: {id: string; pid: number};
	rows: RuntimeRow[];
};

/** The runc containers the course compares with (`security table runc=NAME`). */
const comparedWith = (course: Course): string[] => [...new Set(course.lessons.flatMap(lesson => lesson.steps.flatMap(step => step.checks
	.filter(check => check.kind === 'security' && check.args[0] === 'table' && check.options.runc)
	.map(check => check.options.runc!))))];

/** The table, from the same round of probes as the report's checks; nothing when either container is missing. */
export async function runtimeReport(course: Course, probes: Probes): Promise<{runtime?: RuntimeReport}> {
	for (const id of comparedWith(course)) {
		const [container, runc] = await Promise.all([probes.container(), probes.runc(id)]);
		if (container === null || !runc?.running) {
			continue;
		}

		const [yours, theirs] = await Promise.all([probes.profile(container.pid), probes.profile(runc.pid)]);
		if (yours !== null && theirs !== null) {
			return {runtime: {you: {pid: yours.pid}, runc: {id, pid: theirs.pid}, rows: runtimeTable(yours, theirs)}};
		}
	}

	return {};
}
