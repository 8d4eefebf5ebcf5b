import type {Variables} from '../../lesson/types.ts';
import type {Change, RunEvent, RunResult, SetupState, StepReport, Report} from '../../workshop/api.ts';

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
	/** The learner joined a classroom (`rootcamp join`): `!` asks for help. */
	classroom: boolean;
	/** Requests for help asked for with `!`; the classroom hook sends one per increment. */
	helpRequests: number;
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
	| {type: 'classroom'}
	| {type: 'help-request'}
	| {type: 'quit'};

/** The actions of each slice of the reducer. */
export type NavigationAction = Extract<Action, {type: 'move' | 'open' | 'next' | 'previous' | 'lessons' | 'hint' | 'diagram' | 'scroll'}>;
export type RunAction = Extract<Action, {type: 'run' | 'confirm' | 'decline' | 'run-event' | 'tick' | 'run-finished' | 'run-failed' | 'interrupt'}>;
export type ReportAction = Extract<Action, {type: 'verify' | 'report' | 'verified' | 'changes' | 'setup' | 'variables' | 'progress' | 'error'}>;
