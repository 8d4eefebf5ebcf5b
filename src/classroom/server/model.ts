import type {Student, StoredEvent} from './store.ts';

/** One student on one step, as the grid shows it. `todo`: not started. */
type Cell = {
	status: 'todo' | 'on' | 'pass' | 'fail' | 'skip';
	/**
	 * When the server heard the student first opened the step, and when it heard the first pass:
	 * the server's clock, the one the dashboard and the stuck rule compare with "now" (a student's
	 * clock can be off by minutes). An event queued while the server was away counts from its arrival.
	 */
	openedAt?: number;
	/** The verdict of the first try after opening it (a verdict marked as an attempt); the step's state on opening is not one. */
	firstTry?: 'pass' | 'fail' | 'skip';
	/** Tries after opening it. */
	attempts: number;
	passedAt?: number;
	/** Tries that failed (verdicts marked as attempts). */
	fails: number;
	/** How often each check failed a try here: the same one failing again and again is "stuck". */
	failsByCheck: Record<string, number>;
	check?: string;
	message?: string;
	expected?: string;
	actual?: string;
	hints: number;
};

export type StudentRow = {
	id: string;
	name: string;
	joinedAt: number;
	leftAt: number | null;
	/** The server's clock when it last heard from them. */
	lastSeen?: number;
	/** The step they opened last, and since when (their clock). */
	current?: {lesson: string; step: string; since: number};
	cells: Record<string, Cell>;
	/** Their last `rootcamp reset`: whether it left the host clean. */
	reset?: {clean: boolean; left: string[]; at: number};
};

type HelpRequest = {id: string; student: string; name: string; at: number; lesson?: string; step?: string; done: boolean};

export const cellKey = (lesson: string, step: string) => `${lesson}/${step}`;

const emptyCell = (): Cell => ({status: 'todo', attempts: 0, fails: 0, failsByCheck: {}, hints: 0});

/**
 * The class as the dashboard and the exports see it, folded from the events in stored order: the
 * database holds the events, this holds what they add up to, updated as each one arrives.
 */
const createClassModel = () => {
	const students = new Map<string, StudentRow>();
	const help: HelpRequest[] = [];

	const addStudent = (student: Student) => {
		const row = students.get(student.id);
		if (row) {
			row.leftAt = student.leftAt;
			return row;
		}

		const created: StudentRow = {id: student.id, name: student.name, joinedAt: student.joinedAt, leftAt: student.leftAt, cells: {}};
		students.set(student.id, created);
		return created;
	};

	const cellOf = (row: StudentRow, lesson: string, step: string) => {
		const key = cellKey(lesson, step);
		row.cells[key] ??= emptyCell();
		return row.cells[key];
	};

	const apply = (event: StoredEvent) => {
		const row = students.get(event.student);
		if (!row) {
			return;
		}

		row.lastSeen = Math.max(row.lastSeen ?? 0, event.receivedAt);
		const {lesson, step} = event;
		switch (event.kind) {
			case 'step-opened': {
				if (lesson && step) {
					row.current = {lesson, step, since: event.at};
					const cell = cellOf(row, lesson, step);
					cell.openedAt ??= event.receivedAt;
					if (cell.status === 'todo') {
						// A failure verified before the step was opened (the app checks every step for its list) holds now.
						cell.status = cell.message === undefined ? 'on' : 'fail';
					}
				}

				break;
			}

			case 'verdict': {
				if (lesson && step && event.status) {
					applyVerdict(cellOf(row, lesson, step), event);
				}

				break;
			}

			case 'hint': {
				if (lesson && step) {
					cellOf(row, lesson, step).hints++;
				}

				break;
			}

			case 'help': {
				help.push({id: event.id, student: row.id, name: row.name, at: event.at, lesson, step, done: false});
				break;
			}

			case 'reset': {
				row.reset = {clean: event.clean ?? false, left: event.left ?? [], at: event.at};
				break;
			}

			case 'heartbeat': {
				break;
			}
		}
	};

	return {
		addStudent,
		apply,
		student: (id: string) => students.get(id),
		students: () => [...students.values()],
		help: () => help,
		markHelpDone(id: string) {
			const request = help.find(candidate => candidate.id === id);
			if (request) {
				request.done = true;
			}

			return request;
		},
	};
};

export type ClassModel = ReturnType<typeof createClassModel>;

/**
 * A verdict on a step: a pass is a pass wherever it comes from; a failure counts only on a step the
 * student has opened (a whole-course `verify` fails every step not reached yet: that is "not started").
 */
const applyVerdict = (cell: Cell, event: StoredEvent) => {
	const status = event.status!;
	// A first try is the learner's: a step already failing when opened is not a failed try until they try it.
	if (event.attempt && cell.openedAt !== undefined) {
		cell.attempts++;
		cell.firstTry ??= status;
	}

	if (status === 'pass') {
		cell.status = 'pass';
		cell.passedAt ??= event.receivedAt;
		return;
	}

	if (status === 'skip') {
		cell.status = 'skip';
		cell.message = event.message;
		return;
	}

	if (cell.openedAt === undefined && cell.passedAt === undefined) {
		// Not started: kept for when the student opens the step, not counted as a try.
		Object.assign(cell, {check: event.check, message: event.message ?? '', expected: event.expected, actual: event.actual});
		return;
	}

	cell.status = 'fail';
	// Only a try counts: the same failure seen again without the learner trying (the app's check
	// on opening, a whole-course verify of other steps) says nothing about being stuck.
	if (event.attempt) {
		cell.fails++;
		const check = event.check ?? event.message ?? '';
		cell.failsByCheck[check] = (cell.failsByCheck[check] ?? 0) + 1;
	}

	cell.check = event.check;
	cell.message = event.message;
	cell.expected = event.expected;
	cell.actual = event.actual;
};

/** The model of a stored class: its students, then every event in order, with the help already answered. */
export const buildClassModel = (students: Student[], events: StoredEvent[], helpDone: Set<string>) => {
	const model = createClassModel();
	for (const student of students) {
		model.addStudent(student);
	}

	for (const event of events) {
		model.apply(event);
	}

	for (const id of helpDone) {
		model.markHelpDone(id);
	}

	return model;
};
