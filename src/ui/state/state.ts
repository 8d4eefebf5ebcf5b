import {isDeepStrictEqual, stripVTControlCharacters} from 'node:util';
import type {Status} from '../../check/types.ts';
import type {Course, Variables} from '../../lesson/types.ts';
import type {Change, Progress, Report, RunEvent, RunResult, SetupState, StepRef, StepReport} from '../../workshop/api.ts';

/** The course as the reducer needs it: ids and titles, in order. */
export type Outline = Array<{id: string; title: string; steps: Array<{id: string; title: string}>}>;

/** A position in the course by index. */
export type Position = {lesson: number; step: number};

/** Long work's progress as the last RunEvent told it. */
export type RunProgress = {done: number; total?: number; unit: 'bytes' | 'packages' | 'files'; item?: string};

/** What "run it for me" is doing. */
export type RunState =
	| {phase: 'idle'}
	| {phase: 'confirm'}
	| {
		phase: 'running';
		/** Increases with every run, so the effect that starts it runs once per run. */
		id: number;
		startedAt: number;
		elapsedMs: number;
		output: string[];
		/** Output after the last newline, not yet a full line. */
		partial: string;
		progress?: RunProgress;
		/** Ctrl-C was pressed: the run's AbortController is to be aborted. */
		stopping: boolean;
	}
	| {
		phase: 'done';
		elapsedMs: number;
		output: string[];
		exitCode?: number;
		cancelled: boolean;
		/** The engine threw instead of returning a result. */
		failure?: string;
	};

/** The whole app state; changed only by `reducer`. */
export type AppState = {
	outline: Outline;
	screen: 'lessons' | 'step';
	/** The selected lesson: the list's cursor, and the lesson of the open step. */
	lesson: number;
	step: number;
	/** Where Enter on the list resumes: the saved step, then wherever the learner last was. */
	resume?: Position;
	/** Ask y/n before running (false with --yes). */
	confirmRuns: boolean;
	run: RunState;
	runs: number;
	/** Latest verdicts by `lesson/step`. */
	reports: Record<string, StepReport>;
	/** `lesson/step` → when it first passed, from the saved progress. */
	passed: Record<string, string>;
	/** "What changed" by `lesson/step`, from the last run or a hand-done step. */
	changes: Record<string, Change[]>;
	hint: boolean;
	/** The diagram replaces the prose (narrow terminals). */
	diagram: boolean;
	scroll: number;
	/** Explicit verifications asked for (`v`); the effect runs one per increment. */
	verifies: number;
	verifying: boolean;
	/** Full verifies the lesson list asked for, and how many have answered. */
	listChecks: number;
	listChecked: number;
	setup?: SetupState;
	variables?: Variables;
	error?: {message: string; source: 'watch' | 'action'};
	notice?: string;
	/** The app is to quit or step aside for a shell; the root component acts on it. */
	exit?: 'quit' | 'shell';
};

/** Everything that can happen to the app: keys, engine answers, timers. */
export type Action =
	| {type: 'move'; delta: number}
	| {type: 'open'}
	| {type: 'next'}
	| {type: 'previous'}
	| {type: 'lessons'}
	| {type: 'hint'}
	| {type: 'diagram'}
	| {type: 'scroll'; delta: number; max: number}
	| {type: 'run'; now: number}
	| {type: 'confirm'; now: number}
	| {type: 'decline'}
	| {type: 'run-event'; event: RunEvent}
	| {type: 'tick'; now: number}
	| {type: 'run-finished'; key: string; result: RunResult; now: number}
	| {type: 'run-failed'; message: string; now: number}
	| {type: 'interrupt'}
	| {type: 'verify'}
	| {type: 'report'; key: string; report: StepReport; explicit: boolean}
	| {type: 'verified'; report?: Report}
	| {type: 'changes'; key: string; changes: Change[]}
	| {type: 'setup'; setup: SetupState}
	| {type: 'variables'; variables: Variables}
	| {type: 'progress'; passed: Record<string, string>}
	| {type: 'error'; message: string; source?: 'watch' | 'action'}
	| {type: 'shell'}
	| {type: 'returned'}
	| {type: 'quit'};

// The output pane shows the tail; older lines only cost memory.
const maxOutputLines = 500;

/** `lesson/step`, the key reports and progress use. */
export function stepKey(ref: StepRef): string {
	return `${ref.lesson}/${ref.step}`;
}

/** The course outline from a loaded course. */
function outlineOf(course: Course): Outline {
	return course.lessons.map(lesson => ({
		id: lesson.id,
		title: lesson.title,
		steps: lesson.steps.map(step => ({id: step.id, title: step.title})),
	}));
}

/** The step at a position, or undefined when the position is outside the course. */
export function refAt(outline: Outline, position: Position): StepRef | undefined {
	const lesson = outline[position.lesson];
	const step = lesson?.steps[position.step];
	return lesson && step ? {lesson: lesson.id, step: step.id} : undefined;
}

/** The open step (or the first step of the selected lesson on the list). */
export function currentRef(state: AppState): StepRef | undefined {
	return refAt(state.outline, {lesson: state.lesson, step: state.step});
}

/** A step's status as best known: the latest verdict, else passed in saved progress. */
export function stepStatus(state: Pick<AppState, 'reports' | 'passed'>, key: string): Status | undefined {
	const report = state.reports[key];
	if (report) {
		return report.status;
	}

	return key in state.passed ? 'pass' : undefined;
}

function positionOf(outline: Outline, ref: StepRef | undefined): Position | undefined {
	if (!ref) {
		return undefined;
	}

	const lesson = outline.findIndex(item => item.id === ref.lesson);
	const step = lesson === -1 ? -1 : outline[lesson]!.steps.findIndex(item => item.id === ref.step);
	return step === -1 ? undefined : {lesson, step};
}

function firstOpenStep(state: Pick<AppState, 'outline' | 'reports' | 'passed'>, lesson: number): number {
	const item = state.outline[lesson];
	if (!item) {
		return 0;
	}

	const index = item.steps.findIndex(step => stepStatus(state, `${item.id}/${step.id}`) !== 'pass');
	return index === -1 ? 0 : index;
}

/** The state the app opens in: the lesson list, its cursor on the saved step's lesson. */
export function initialState(course: Course, progress: Progress, options: {yes: boolean}): AppState {
	const outline = outlineOf(course);
	const base = {outline, reports: {}, passed: {...progress.passed}};
	const resume = positionOf(outline, progress.current);
	let lesson = resume?.lesson;
	if (lesson === undefined) {
		const open = outline.findIndex(item => item.steps.some(step => stepStatus(base, `${item.id}/${step.id}`) !== 'pass'));
		lesson = open === -1 ? 0 : open;
	}

	return {
		...base,
		screen: 'lessons',
		lesson,
		step: resume?.step ?? firstOpenStep(base, lesson),
		resume,
		confirmRuns: !options.yes,
		run: {phase: 'idle'},
		runs: 0,
		changes: {},
		hint: false,
		diagram: false,
		scroll: 0,
		verifies: 0,
		verifying: false,
		listChecks: 1,
		listChecked: 0,
	};
}

// Moving to another step starts it fresh: no hint, top of the prose, no stale run output.
function goTo(state: AppState, position: Position): AppState {
	if (position.lesson === state.lesson && position.step === state.step && state.screen === 'step') {
		return state;
	}

	return {
		...state,
		screen: 'step',
		lesson: position.lesson,
		step: position.step,
		resume: position,
		run: {phase: 'idle'},
		hint: false,
		scroll: 0,
		error: undefined,
		notice: undefined,
	};
}

function nextPosition(outline: Outline, from: Position, direction: 1 | -1): Position | undefined {
	const lesson = outline[from.lesson];
	const step = from.step + direction;
	if (lesson && step >= 0 && step < lesson.steps.length) {
		return {lesson: from.lesson, step};
	}

	// Cross into the neighbouring lesson, skipping any without steps.
	for (let index = from.lesson + direction; index >= 0 && index < outline.length; index += direction) {
		const count = outline[index]!.steps.length;
		if (count > 0) {
			return {lesson: index, step: direction === 1 ? 0 : count - 1};
		}
	}

	return undefined;
}

function appendOutput(lines: string[], partial: string, chunk: string): {output: string[]; partial: string} {
	const pieces = (partial + chunk).split('\n');
	const rest = pieces.pop() ?? '';
	// A carriage return redraws the line (apt, tar progress): keep what the terminal would show.
	const clean = (text: string) => stripVTControlCharacters(text.split('\r').findLast(Boolean) ?? '');
	const output = [...lines, ...pieces.map(clean)];
	return {output: output.length > maxOutputLines ? output.slice(-maxOutputLines) : output, partial: rest};
}

type Running = Extract<RunState, {phase: 'running'}>;
type Ending = Pick<Extract<RunState, {phase: 'done'}>, 'exitCode' | 'cancelled' | 'failure'>;

/** Everything a run printed, its last partial line included. */
function flushOutput(run: Running): string[] {
	return run.partial === '' ? run.output : appendOutput(run.output, run.partial, '\n').output;
}

/** A run that has ended, however it ended: how long it took, everything it printed, how it ended. */
function endRun(run: Running, now: number, ending: Ending): RunState {
	return {phase: 'done', elapsedMs: Math.max(0, now - run.startedAt), output: flushOutput(run), ...ending};
}

function startRun(state: AppState, now: number): AppState {
	return {
		...state,
		run: {phase: 'running', id: state.runs + 1, startedAt: now, elapsedMs: 0, output: [], partial: '', stopping: false},
		runs: state.runs + 1,
		error: undefined,
		notice: undefined,
	};
}

const isBusy = (state: AppState) => state.run.phase === 'running';

/** The app's only state transition: pure, so every behaviour of the UI can be unit-tested. */
export function reducer(state: AppState, action: Action): AppState {
	switch (action.type) {
		case 'move': {
			if (state.screen !== 'lessons' || state.outline.length === 0) {
				return state;
			}

			const lesson = Math.min(state.outline.length - 1, Math.max(0, state.lesson + action.delta));
			return lesson === state.lesson ? state : {...state, lesson, step: 0, notice: undefined};
		}

		case 'open': {
			const item = state.outline[state.lesson];
			if (state.screen !== 'lessons' || !item) {
				return state;
			}

			if (item.steps.length === 0) {
				return {...state, notice: `${item.title} has no steps.`};
			}

			const step = state.resume?.lesson === state.lesson ? state.resume.step : firstOpenStep(state, state.lesson);
			return {...goTo(state, {lesson: state.lesson, step}), screen: 'step'};
		}

		case 'next':
		case 'previous': {
			if (state.screen !== 'step' || isBusy(state)) {
				return state;
			}

			const position = nextPosition(state.outline, state, action.type === 'next' ? 1 : -1);
			if (!position) {
				return {...state, notice: action.type === 'next' ? 'This is the last step of the course.' : 'This is the first step.'};
			}

			return goTo(state, position);
		}

		case 'lessons': {
			if (isBusy(state)) {
				return state;
			}

			return {...state, screen: 'lessons', run: {phase: 'idle'}, hint: false, error: undefined, notice: undefined, listChecks: state.listChecks + 1};
		}

		case 'hint': {
			return state.screen === 'step' ? {...state, hint: !state.hint} : state;
		}

		case 'diagram': {
			return state.screen === 'step' ? {...state, diagram: !state.diagram, scroll: 0} : state;
		}

		case 'scroll': {
			const scroll = Math.min(Math.max(0, action.max), Math.max(0, state.scroll + action.delta));
			return scroll === state.scroll ? state : {...state, scroll};
		}

		case 'run': {
			if (state.screen !== 'step' || state.run.phase === 'running' || state.run.phase === 'confirm' || !currentRef(state)) {
				return state;
			}

			return state.confirmRuns ? {...state, run: {phase: 'confirm'}, notice: undefined} : startRun(state, action.now);
		}

		case 'confirm': {
			return state.run.phase === 'confirm' ? startRun(state, action.now) : state;
		}

		case 'decline': {
			return state.run.phase === 'confirm' ? {...state, run: {phase: 'idle'}} : state;
		}

		case 'run-event': {
			const {run} = state;
			if (run.phase !== 'running') {
				return state;
			}

			const {event} = action;
			switch (event.type) {
				case 'start': {
					const shown = event.command.text.split('\n').filter(text => text.trim() !== '').map(text => `$ ${text}`);
					const flushed = flushOutput(run);
					return {...state, run: {...run, output: [...flushed, ...shown], partial: ''}};
				}

				case 'output': {
					return {...state, run: {...run, ...appendOutput(run.output, run.partial, event.chunk)}};
				}

				case 'progress': {
					return {...state, run: {...run, progress: {done: event.done, total: event.total, unit: event.unit, ...(event.item ? {item: event.item} : {})}}};
				}
			}

			return state;
		}

		case 'tick': {
			const {run} = state;
			return run.phase === 'running' ? {...state, run: {...run, elapsedMs: Math.max(0, action.now - run.startedAt)}} : state;
		}

		case 'run-finished': {
			const {run} = state;
			if (run.phase !== 'running') {
				return state;
			}

			const {result} = action;
			const failed = !result.cancelled && result.report.status === 'fail';
			return {
				...state,
				run: endRun(run, action.now, {exitCode: result.exitCode, cancelled: result.cancelled}),
				reports: {...state.reports, [action.key]: result.report},
				changes: result.changes.length > 0 ? {...state.changes, [action.key]: result.changes} : state.changes,
				// After a failed attempt the hint is what the learner needs next.
				hint: state.hint || failed,
			};
		}

		case 'run-failed': {
			const {run} = state;
			if (run.phase !== 'running') {
				return state;
			}

			return {
				...state,
				run: endRun(run, action.now, {cancelled: false, failure: action.message}),
				error: {message: action.message, source: 'action'},
			};
		}

		case 'interrupt': {
			switch (state.run.phase) {
				case 'running': {
					return state.run.stopping ? state : {...state, run: {...state.run, stopping: true}};
				}

				case 'confirm': {
					return {...state, run: {phase: 'idle'}};
				}

				case 'done': {
					// Likely meant for a command that finished a moment ago: do not quit on it.
					return {...state, run: {phase: 'idle'}, notice: 'The command had already finished. Ctrl-C again (or q) quits.'};
				}

				default: {
					return {...state, exit: 'quit'};
				}
			}
		}

		case 'verify': {
			return state.screen === 'step' && !isBusy(state) ? {...state, verifies: state.verifies + 1, verifying: true, notice: undefined} : state;
		}

		case 'report': {
			const previous = state.reports[action.key];
			const isCurrent = currentRef(state) !== undefined && stepKey(currentRef(state)!) === action.key;
			const clearError = state.error?.source === 'watch' || (action.explicit && state.error !== undefined);
			// A watch round that finds nothing new keeps the state as it is, so nothing re-renders.
			if (isDeepStrictEqual(previous, action.report) && !action.explicit && !clearError) {
				return state;
			}

			return {
				...state,
				reports: {...state.reports, [action.key]: action.report},
				verifying: action.explicit ? false : state.verifying,
				hint: state.hint || (action.explicit && isCurrent && action.report.status === 'fail'),
				error: clearError ? undefined : state.error,
			};
		}

		case 'verified': {
			const reports = {...state.reports};
			for (const lesson of action.report?.lessons ?? []) {
				for (const step of lesson.steps) {
					reports[`${lesson.id}/${step.id}`] = step;
				}
			}

			return {...state, reports, listChecked: state.listChecks};
		}

		case 'changes': {
			return {...state, changes: {...state.changes, [action.key]: action.changes}};
		}

		case 'setup': {
			return isDeepStrictEqual(state.setup, action.setup) ? state : {...state, setup: action.setup};
		}

		case 'variables': {
			return isDeepStrictEqual(state.variables, action.variables) ? state : {...state, variables: action.variables};
		}

		case 'progress': {
			return isDeepStrictEqual(state.passed, action.passed) ? state : {...state, passed: {...action.passed}};
		}

		case 'error': {
			if (state.error?.message === action.message) {
				return state;
			}

			return {...state, error: {message: action.message, source: action.source ?? 'action'}, verifying: false};
		}

		case 'shell': {
			return isBusy(state) || state.run.phase === 'confirm' ? state : {...state, exit: 'shell'};
		}

		case 'returned': {
			return {...state, exit: undefined};
		}

		case 'quit': {
			return isBusy(state) ? {...state, notice: 'A command is running: Ctrl-C stops it first.'} : {...state, exit: 'quit'};
		}
	}
}
