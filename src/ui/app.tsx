import {sandboxNote} from '../sandbox/note.ts';
import type {Progress, StepRef, Workshop} from '../workshop/api.ts';
import {readAsset} from './view/assets.ts';
import {errorMessage} from './view/errors.ts';
import {buildLessonView} from './view/lesson-view.ts';
import {lineToString} from './view/lines.ts';
import {initialState, reducer, refAt, stepKey, type AppState} from './state/state.ts';
import {createTheme, noColorRequested} from './view/theme.ts';
import type {Outcome} from './workshop-app.tsx';

/** How the CLI starts the app. */
export type AppOptions = {plain: boolean; color: boolean; yes: boolean};

// A full-screen app: draw on the alternate screen, so quitting gives the terminal back as it was.
function alternateScreen(stdout: NodeJS.WriteStream) {
	let active = false;
	const leave = () => {
		if (active) {
			stdout.write('\u001B[?1049l');
			active = false;
		}
	};

	// However the process ends (an uncaught error, SIGTERM through Ink's exit hook), the learner's
	// terminal comes back as it was.
	process.once('exit', leave);
	return {
		enter() {
			if (!active) {
				stdout.write('\u001B[?1049h\u001B[H');
				active = true;
			}
		},
		leave,
	};
}

/**
 * The lesson list as plain rows, written while Ink and React load (a few hundred ms on a cold
 * start): built by the same pure code as Ink's first frame, which then draws over it.
 */
function preFrame(state: AppState, banner: string | undefined, color: boolean, stdout: NodeJS.WriteStream, sandbox?: string): string {
	const view = buildLessonView(state, {banner, sandbox, columns: stdout.columns || 80, rows: stdout.rows || 24, checking: true});
	const theme = createTheme(color);
	return [...view.banner, ...view.lines, [], ...view.footer].map(row => `${lineToString(row, theme)}\u001B[K`).join('\n');
}

// Says where the next start resumes: the engine's saved place (a passing run moves it on).
function farewell(workshop: Workshop, state: AppState): string {
	let ref: StepRef | undefined;
	try {
		ref = workshop.progress().current;
	} catch {
		ref = state.resume ? refAt(state.outline, state.resume) : undefined;
	}

	return ref
		? `Progress saved at ${stepKey(ref)}. Run rootcamp to carry on from there.\n`
		: 'Progress saved. Run rootcamp to carry on.\n';
}

/**
 * Loads Ink with `CI` and `CONTINUOUS_INTEGRATION` hidden. Ink reads them once, when it loads, and
 * then draws only the last frame, for build logs; but rootcamp only gets here on a real terminal,
 * where a learner (or a test driving tmux under CI) must see every frame.
 */
async function withoutCiVariables<T>(load: () => Promise<T>): Promise<T> {
	const saved = {CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION};
	delete process.env.CI;
	delete process.env.CONTINUOUS_INTEGRATION;
	try {
		return await load();
	} finally {
		for (const [name, value] of Object.entries(saved)) {
			if (value !== undefined) {
				process.env[name] = value;
			}
		}
	}
}

/**
 * Runs the workshop in this terminal until the learner quits; resolves with the exit code.
 * Without a TTY, or with `plain`, the same flow is printed as plain text instead.
 */
export async function runApp(workshop: Workshop, options: AppOptions): Promise<number> {
	const {stdout, stdin, stderr} = process;
	const color = options.color && !noColorRequested(process.env);
	if (options.plain || !stdout.isTTY || !stdin.isTTY) {
		const {runPlain} = await import('./plain.ts');
		return runPlain(workshop, {color: color && Boolean(stdout.isTTY), yes: options.yes, stdout});
	}

	let progress: Progress = {version: 1, passed: {}};
	let startError: string | undefined;
	try {
		progress = workshop.progress();
	} catch (error) {
		startError = `${errorMessage(error)} (starting from the first open step)`;
	}

	let state = initialState(workshop.course, progress, {yes: options.yes});
	if (startError) {
		state = reducer(state, {type: 'error', message: startError});
	}

	const banner = await readAsset('banner.txt');
	const sandbox = sandboxNote();
	const screen = alternateScreen(stdout);
	try {
		screen.enter();
		stdout.write(preFrame(state, banner, color, stdout, sandbox));
		const [{render}, {WorkshopApp}] = await withoutCiVariables(async () => Promise.all([import('ink'), import('./workshop-app.tsx')]));
		for (;;) {
			screen.enter();
			// Ink draws from the cursor: start it at the top of a clean screen, over the early frame.
			stdout.write('\u001B[H\u001B[J');
			const instance = render(<WorkshopApp workshop={workshop} initial={state} color={color} banner={banner} sandbox={sandbox}/>, {exitOnCtrlC: false});

			const outcome = await instance.waitUntilExit() as Outcome | undefined;
			instance.cleanup();
			screen.leave();
			if (outcome?.type !== 'shell') {
				stdout.write(farewell(workshop, outcome?.state ?? state));
				return 0;
			}

			// The app steps aside: the shell has the terminal to itself until it exits.
			stdout.write(`rootcamp: a shell inside the container (${outcome.argv.join(' ')}).\nType exit to come back to the workshop.\n`);
			state = reducer(outcome.state, {type: 'returned'});
			try {
				const {runShell} = await import('../run/shell.ts');

				await runShell(outcome.argv);
			} catch (error) {
				state = reducer(state, {type: 'error', message: `The shell could not start: ${errorMessage(error)}`});
			}
		}
	} catch (error) {
		screen.leave();
		stderr.write(`${createTheme(color).paint('error', `rootcamp: ${errorMessage(error)}`)}\nYour progress is kept.\n`);
		return 1;
	}
}
