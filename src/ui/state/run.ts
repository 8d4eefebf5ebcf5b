import {stripVTControlCharacters} from 'node:util';
import {currentRef} from './outline.ts';
import type {AppState, RunAction, RunState} from './types.ts';

/** The slice of the reducer for "run it for me": confirm, stream, finish, interrupt. */
export function runSlice(state: AppState, action: RunAction): AppState {
	switch (action.type) {
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
	}
}

// The output pane shows the tail; older lines only cost memory.
const maxOutputLines = 500;

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

/** A command of the open step is running: moving away or quitting waits. */
export const isBusy = (state: AppState) => state.run.phase === 'running';
