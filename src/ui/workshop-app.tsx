import {useEffect, useMemo, useReducer} from 'react';
import {Box, Text, useApp} from 'ink';
import {fillKnownVariables} from '../lesson/variables.ts';
import type {Workshop} from '../workshop/api.ts';
import {ErrorBoundary} from './components/error-boundary.tsx';
import {errorMessage} from './view/errors.ts';
import {LessonList} from './components/lesson-list.tsx';
import {buildLessonView} from './view/lesson-view.ts';
import {classroomBanner} from './view/classroom-banner.ts';
import {renderMarkdown} from './view/markdown.ts';
import {currentRef, reducer, stepKey, type AppState} from './state/state.ts';
import {StepScreen} from './components/step-screen.tsx';
import {buildStepView, mainWidthFor} from './view/step-view.ts';
import {ThemeContext} from './components/theme-context.ts';
import {createTheme} from './view/theme.ts';
import {useDimensions} from './hooks/use-dimensions.ts';
import {useClassroom} from './hooks/use-classroom.ts';
import {useEngine} from './hooks/use-engine.ts';
import {useKeys} from './hooks/use-keys.ts';
import {useMarkdownReady} from './hooks/use-markdown.ts';
import {useRun} from './hooks/use-run.ts';
import {useWatch, watchInterval} from './hooks/use-watch.ts';

/** How a session of the app ended: quit, or step aside so the learner can use a shell. */
export type Outcome =
	| {type: 'quit'; state: AppState}
	| {type: 'shell'; argv: string[]; state: AppState};

/** Props of the app's root component. */
export type WorkshopAppProps = {
	workshop: Workshop;
	initial: AppState;
	color: boolean;
	/** Title art for the lesson list (assets/banner.txt). */
	banner?: string;
	/** "sandbox NAME; the host's network is untouched" when rootcamp runs in one. */
	sandbox?: string;
	/** How often an idle step is verified, in ms. */
	watchMs?: number;
	/** Told how the session ended, just before Ink exits with the same value. */
	onExit?: (outcome: Outcome) => void;
};

function App({workshop, initial, color, banner, sandbox, watchMs = watchInterval, onExit}: WorkshopAppProps) {
	const [state, dispatch] = useReducer(reducer, initial);
	const {columns, rows} = useDimensions();
	const markdownReady = useMarkdownReady();
	const {exit} = useApp();
	const ref = currentRef(state);
	const key = ref ? stepKey(ref) : undefined;
	const step = workshop.course.lessons[state.lesson]?.steps[state.step];
	const {variables} = state;
	// When the learner joined a classroom: the instructor's message and pace, a line above the screen.
	const classroom = useClassroom(state, ref, dispatch);
	const classLine = classroom ? classroomBanner(classroom, state.screen === 'step' ? ref : undefined) : undefined;
	const screenRows = classLine ? rows - 1 : rows;

	const filled = useMemo(() => {
		if (!ref || !variables) {
			return {commands: undefined};
		}

		try {
			return {commands: workshop.commandsFor(ref, variables)};
		} catch (error) {
			return {commands: [], error: errorMessage(error)};
		}
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [workshop, key, variables]);
	useEffect(() => {
		if (filled.error) {
			dispatch({type: 'error', message: filled.error});
		}
	}, [filled.error]);

	const width = mainWidthFor(columns);
	const prose = useMemo(
		() => (step ? renderMarkdown(fillKnownVariables(step.prose, variables ?? {}), {width, color}) : ''),
		// The renderer is loaded once; `markdownReady` turning true is what re-renders the raw prose.
		// eslint-disable-next-line react-hooks/exhaustive-deps
		[step, variables, width, color, markdownReady],
	);

	const stepView = state.screen === 'step' && step
		? buildStepView({
			state,
			step,
			prose,
			commands: filled.commands,
			variables,
			hint: fillKnownVariables(step.hint, variables ?? {}),
			columns,
			rows: screenRows,
			sandbox,
		})
		: undefined;
	const lessonView = stepView ? undefined : buildLessonView(state, {banner, sandbox, columns, rows: screenRows, checking: state.listChecked < state.listChecks});

	useKeys(state, dispatch, {maxScroll: stepView?.maxScroll ?? 0, page: stepView?.page ?? 1}, state.exit === undefined);
	useWatch(workshop, state.screen === 'step' ? ref : undefined, state.run.phase !== 'running' && state.exit === undefined, dispatch, watchMs);
	useRun(workshop, state, dispatch);
	useEngine(workshop, state, dispatch);

	useEffect(() => {
		if (state.exit === 'quit') {
			const outcome: Outcome = {type: 'quit', state};
			onExit?.(outcome);
			exit(outcome);
			return;
		}

		if (state.exit !== 'shell') {
			return;
		}

		let live = true;
		workshop.shellCommand().then(
			argv => {
				if (!live) {
					return;
				}

				if (argv) {
					const outcome: Outcome = {type: 'shell', argv, state};
					onExit?.(outcome);
					exit(outcome);
				} else {
					dispatch({type: 'returned'});
					dispatch({type: 'error', message: 'No container is running yet, so there is no shell to open: start it in lesson "enter" (r runs it for you).'});
				}
			},
			(error: unknown) => {
				if (live) {
					dispatch({type: 'returned'});
					dispatch({type: 'error', message: errorMessage(error)});
				}
			},
		);
		return () => {
			live = false;
		};
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [state.exit]);

	return (
		<Box flexDirection='column' height={Math.max(1, rows - 1)} overflow='hidden'>
			{classLine ? <Text inverse wrap='truncate-end'>{` ${classLine} `}</Text> : undefined}
			{stepView ? <StepScreen view={stepView} setup={state.setup}/> : <LessonList view={lessonView!}/>}
		</Box>
	);
}

/** The interactive workshop: lesson list and step screen over one reducer, fed by the engine. */
export function WorkshopApp(props: WorkshopAppProps) {
	const theme = useMemo(() => createTheme(props.color), [props.color]);
	return (
		<ThemeContext.Provider value={theme}>
			<ErrorBoundary>
				<App {...props}/>
			</ErrorBoundary>
		</ThemeContext.Provider>
	);
}
