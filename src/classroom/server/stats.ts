import {cellKey, type ClassModel, type StudentRow} from './model.ts';

/** The same check failing this often on one step is "stuck". */
const stuckFails = 3;
/** Or this far over the class's median time on the step (once three have passed it), and at least the floor. */
const stuckMedianFactor = 3;
const stuckFloorMs = 5 * 60_000;

export type StepStats = {key: string; opened: number; passed: number; firstTries: number; firstTryPasses: number; medianMs?: number};
export type FailureGroup = {key: string; check: string; message: string; students: Array<{id: string; name: string}>};

const median = (values: number[]) => {
	if (values.length === 0) {
		return undefined;
	}

	const sorted = values.toSorted((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

/** Per step: how many opened and passed it, the first-try pass rate's parts, the median time from opening to passing. */
const stepStats = (students: StudentRow[], steps: Array<{lesson: string; step: string}>): StepStats[] => steps.map(({lesson, step}) => {
	const key = cellKey(lesson, step);
	const cells = students.map(student => student.cells[key]).filter(cell => cell !== undefined);
	const tried = cells.filter(cell => cell.firstTry !== undefined && cell.firstTry !== 'skip');
	const times = cells.flatMap(cell => (cell.passedAt !== undefined && cell.openedAt !== undefined ? [Math.max(0, cell.passedAt - cell.openedAt)] : []));
	return {
		key,
		opened: cells.filter(cell => cell.openedAt !== undefined).length,
		passed: cells.filter(cell => cell.status === 'pass').length,
		firstTries: tried.length,
		firstTryPasses: tried.filter(cell => cell.firstTry === 'pass').length,
		medianMs: times.length >= 3 ? median(times) : undefined,
	};
});

/** Students on a step and failing, grouped by the same check and message: one explanation serves a group. */
const failureGroups = (students: StudentRow[]): FailureGroup[] => {
	const groups = new Map<string, FailureGroup>();
	for (const student of students) {
		if (student.leftAt !== null) {
			continue;
		}

		for (const [key, cell] of Object.entries(student.cells)) {
			if (cell.status !== 'fail') {
				continue;
			}

			const id = JSON.stringify([key, cell.check ?? '', cell.message ?? '']);
			const group = groups.get(id) ?? {key, check: cell.check ?? '', message: cell.message ?? '', students: []};
			group.students.push({id: student.id, name: student.name});
			groups.set(id, group);
		}
	}

	return [...groups.values()].sort((a, b) => b.students.length - a.students.length || a.key.localeCompare(b.key));
};

/** The steps each student is stuck on: the same check failing `stuckFails` times, or far over the median time. */
const stuckSteps = (students: StudentRow[], stats: StepStats[], now = Date.now()): Record<string, string[]> => {
	const medians = new Map(stats.map(step => [step.key, step.medianMs]));
	const stuck: Record<string, string[]> = {};
	for (const student of students) {
		const keys = Object.entries(student.cells).filter(([key, cell]) => {
			if (cell.status === 'fail' && Object.values(cell.failsByCheck).some(count => count >= stuckFails)) {
				return true;
			}

			const typical = medians.get(key);
			return (cell.status === 'fail' || cell.status === 'on') && cell.openedAt !== undefined && typical !== undefined
				&& now - cell.openedAt > Math.max(stuckFloorMs, stuckMedianFactor * typical);
		}).map(([key]) => key);
		if (keys.length > 0) {
			stuck[student.id] = keys;
		}
	}

	return stuck;
};

/** Everything the dashboard shows about the class as a whole. */
export const classView = (model: ClassModel, steps: Array<{lesson: string; step: string}>, now = Date.now()) => {
	const students = model.students();
	const stats = stepStats(students, steps);
	return {
		stats,
		groups: failureGroups(students),
		stuck: stuckSteps(students, stats, now),
		help: model.help().filter(request => !request.done),
	};
};

/** `12 joined · most on enter (7) · 2 stuck · 1 waiting for help`: the serve terminal's line. */
export const classSummary = (model: ClassModel, steps: Array<{lesson: string; step: string}>, now = Date.now()) => {
	const present = model.students().filter(student => student.leftAt === null);
	const lessons = new Map<string, number>();
	for (const student of present) {
		if (student.current) {
			lessons.set(student.current.lesson, (lessons.get(student.current.lesson) ?? 0) + 1);
		}
	}

	const [top] = [...lessons].sort((a, b) => b[1] - a[1]);
	const {stuck, help} = classView(model, steps, now);
	return [
		`${present.length} joined`,
		...(top ? [`most on ${top[0]} (${top[1]})`] : []),
		`${Object.keys(stuck).length} stuck`,
		`${help.length} waiting for help`,
	].join(' · ');
};
