import {fillKnownVariables} from '../lesson/variables.ts';
import type {Variables} from '../lesson/types.ts';
import type {Progress, StepRef, Workshop} from '../workshop/api.ts';
import {errorMessage} from './view/errors.ts';
import {lineToString, type Line} from './view/lines.ts';
import {loadMarkdown, renderMarkdown} from './view/markdown.ts';
import {runEventPrinter} from './view/report-lines.ts';
import {changeLines, checkLines, commandLines, hintLines, wherePhrase} from './view/sections.ts';
import {initialState, refAt, stepStatus} from './state/state.ts';
import {createTheme} from './view/theme.ts';

/** Options of the plain renderer. */
export type PlainOptions = {
	color: boolean;
	/** Run the current step's commands instead of only printing them. */
	yes: boolean;
	stdout?: NodeJS.WritableStream & {columns?: number};
	/** Stops a run; without one, SIGINT does. */
	signal?: AbortSignal;
};

/**
 * The workshop as plain text, for screen readers, logs and pipes: the lesson list, then the
 * current step's prose, command and checks; with `yes`, runs it and prints its output.
 * Resolves with the exit code (0, or 1 when the step fails or the engine errs).
 */
export async function runPlain(workshop: Workshop, options: PlainOptions): Promise<number> {
	const stdout = options.stdout ?? process.stdout;
	const theme = createTheme(options.color);
	const width = Math.max(40, stdout.columns ?? 80);
	// A reader that stops early (`rootcamp | head`) closes the pipe: stop writing, quietly.
	let closed = false;
	stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
			closed = true;
			return;
		}

		throw error;
	});
	const write = (text = '') => {
		if (!closed) {
			stdout.write(`${text}\n`);
		}
	};

	const writeLines = (rows: Line[]) => {
		for (const row of rows) {
			write(lineToString(row, theme).trimEnd());
		}
	};

	const fail = (error: unknown) => {
		write(theme.paint('error', `error: ${errorMessage(error)}`));
		return 1;
	};

	let progress: Progress = {version: 1, passed: {}};
	try {
		progress = workshop.progress();
	} catch (error) {
		fail(error);
		write('Your progress could not be read; starting from the first open step.');
	}

	const state = initialState(workshop.course, progress, {yes: options.yes});
	write(theme.paint('title', 'rootcamp: lessons'));
	for (const [index, lesson] of state.outline.entries()) {
		const passed = lesson.steps.filter(step => stepStatus(state, `${lesson.id}/${step.id}`) === 'pass').length;
		const here = index === state.lesson ? ' (you are here)' : '';
		write(`  ${index + 1}. ${lesson.title}: ${passed} of ${lesson.steps.length} steps passed${here}`);
	}

	const ref: StepRef | undefined = refAt(state.outline, state);
	const lesson = workshop.course.lessons[state.lesson];
	const step = lesson?.steps[state.step];
	if (!ref || !lesson || !step) {
		write();
		write('This course has no steps.');
		return 0;
	}

	try {
		const [variables] = await Promise.all([workshop.variables(), loadMarkdown()]);
		const fill = (text: string) => fillKnownVariables(text, variables);
		write();
		write(theme.paint('heading', `Lesson ${state.lesson + 1} of ${state.outline.length}: ${lesson.title}`));
		write(theme.paint('heading', `Step ${state.step + 1} of ${lesson.steps.length}: ${step.title} (${ref.lesson}/${ref.step})`));
		write();
		write(renderMarkdown(fill(step.prose), {width, color: options.color}));
		write();

		const commands = workshop.commandsFor(ref, variables);
		// Unfolded: a log or a screen reader gets each command on one line, exactly as it runs.
		writeLines(commandLines(commands, variables, width, {fold: false}));
		write();
		const report = await workshop.verifyStep(ref);
		writeLines(checkLines(report, width, {words: true}));
		if (report.status === 'fail') {
			writeLines(hintLines(fill(step.hint), width));
		}

		if (!options.yes) {
			return 0;
		}

		write();
		return await runAndReport(workshop, ref, {...options, stdout, write, writeLines, fail, width, variables, where: wherePhrase(commands[0]), hint: fill(step.hint)});
	} catch (error) {
		return fail(error);
	}
}

type RunContext = PlainOptions & {
	write: (text?: string) => void;
	writeLines: (rows: Line[]) => void;
	fail: (error: unknown) => number;
	width: number;
	variables: Variables;
	where: string;
	hint: string;
};

async function runAndReport(workshop: Workshop, ref: StepRef, context: RunContext): Promise<number> {
	const {write, writeLines, width} = context;
	const theme = createTheme(context.color);
	const abort = new AbortController();
	const stop = () => {
		abort.abort();
	};

	context.signal?.addEventListener('abort', stop, {once: true});
	const ownsSigint = !context.signal;
	if (ownsSigint) {
		process.on('SIGINT', stop);
	}

	const printer = runEventPrinter({rows: writeLines});
	try {
		write(`Running ${ref.lesson}/${ref.step} ${context.where}…`);
		const result = await workshop.runStep(ref, {signal: abort.signal, onEvent: printer.onEvent});
		printer.flush();

		write();
		if (result.cancelled) {
			write(theme.paint('warn', 'Stopped.'));
		} else {
			write(result.exitCode === 0 ? theme.paint('pass', 'Finished (exit 0).') : theme.paint('fail', `Exited with ${result.exitCode}.`));
		}

		writeLines(changeLines(result.changes, width));
		writeLines(checkLines(result.report, width, {words: true}));
		if (result.report.status === 'fail') {
			writeLines(hintLines(context.hint, width));
		}

		return result.cancelled || result.report.status === 'fail' ? 1 : 0;
	} catch (error) {
		return context.fail(error);
	} finally {
		if (ownsSigint) {
			process.off('SIGINT', stop);
		}

		context.signal?.removeEventListener('abort', stop);
	}
}
