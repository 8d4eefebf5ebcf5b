import type {Step, Variables} from '../../lesson/types.ts';
import type {FilledCommand} from '../../workshop/api.ts';
import {footerKeys} from '../state/keymap.ts';
import {currentRef, stepKey, type AppState, type RunProgress} from '../state/state.ts';
import {diagramLines, fitLine} from './diagram-lines.ts';
import {line, toned, wrapStyled, wrapWords, type Line} from './lines.ts';
import {changeLines, checkLines, commandLines, footerLines, hintLines, outputTail, runStatusLines, statusMark, wherePhrase} from './sections.ts';

/** What the step screen shows, every section already cut into rows that fit. */
export type StepView = {
	/** Where the step is in the course; inside a sandbox, a second row with its note. */
	header: Line[];
	/** The visible slice of the prose (or, on a narrow terminal, of the diagram). */
	prose: Line[];
	proseHeight: number;
	/** The row under the prose: where the reader is, when the prose scrolls. */
	scrollBar: Line;
	scroll: number;
	maxScroll: number;
	page: number;
	/** The diagram's column beside everything else, on a wide terminal (with the sandbox's note, inside one). */
	side?: {width: number; sandbox?: string};
	mainWidth: number;
	commands: Line[];
	checks: Line[];
	hint: Line[];
	/** The run pane: status row, progress (drawn as a bar), output tail. */
	run: {status: Line[]; progress?: RunProgress; output: Line[]; height: number};
	changes: Line[];
	messages: Line[];
	footer: Line[];
};

/** What buildStepView needs besides the state. */
export type StepViewInput = {
	state: AppState;
	step: Pick<Step, 'title' | 'hint'>;
	/** The rendered prose (marked-terminal output, or the raw prose before it loads). */
	prose: string;
	commands: FilledCommand[] | undefined;
	variables: Partial<Variables> | undefined;
	/** The hint with its variables filled. */
	hint: string;
	columns: number;
	rows: number;
	/** "sandbox NAME; the host's network is untouched" inside a sandbox: the header names it. */
	sandbox?: string;
};

// At this width the diagram gets a column of its own instead of taking turns with the prose.
const wideColumns = 120;
const sideWidth = 44;
// Keep prose readable even when the run output wants the room.
const minProse = 3;
const maxOutputRows = 8;
const maxChangeRows = 6;

/** The first `keep` rows, the last of them saying how many more there are. */
function cut(rows: Line[], keep: number): Line[] {
	if (rows.length <= keep) {
		return rows;
	}

	if (keep <= 1) {
		return rows.slice(0, keep);
	}

	return [...rows.slice(0, keep - 1), line(toned('muted', `  … ${rows.length - keep + 1} more rows`))];
}

/** The width of the step screen's main column (the prose is rendered to it). */
export function mainWidthFor(columns: number): number {
	return Math.max(20, columns >= wideColumns ? columns - sideWidth - 2 : columns);
}

/** Lays out the step screen for a terminal of `columns` × `rows`. Pure. */
export function buildStepView(input: StepViewInput): StepView {
	const {state, columns} = input;
	const rows = Math.max(10, input.rows);
	const wide = columns >= wideColumns;
	const mainWidth = mainWidthFor(columns);
	const ref = currentRef(state);
	const key = ref ? stepKey(ref) : '';
	const report = state.reports[key];
	const lesson = state.outline[state.lesson];

	const badge = report ? statusMark[report.status] : undefined;
	const crumbs = fitLine(line(
		toned('title', 'rootcamp'),
		toned('muted', ` › ${state.lesson + 1}/${state.outline.length} `),
		lesson?.title ?? '',
		toned('muted', ` › step ${state.step + 1}/${lesson?.steps.length ?? 0} `),
		toned('heading', input.step.title),
	), Math.max(1, columns - 10));
	crumbs.push(badge
		? toned(badge.tone, `${badge.mark} ${report?.status === 'pass' ? 'passes' : (report?.status === 'skip' ? 'skipped' : 'not yet')}`.padStart(10))
		: toned('muted', '…'.padStart(10)));
	// The note has a row of its own: beside the course's crumbs it would crowd out the step's
	// title on an 80-column terminal, and a learner must see on every screen that the host is safe.
	const header = input.sandbox ? [crumbs, fitLine(line(toned('muted', input.sandbox)), columns)] : [crumbs];

	const commands = commandLines(input.commands, input.variables, mainWidth);
	const checks = checkLines(report, mainWidth);
	const hint = state.hint ? hintLines(input.hint, mainWidth) : [];
	const changes = changeLines(state.changes[key], mainWidth, maxChangeRows);
	const messages: Line[] = [];
	if (state.error) {
		messages.push(...wrapWords(state.error.message, mainWidth - 2).map((text, index) => line(toned('error', index === 0 ? '✗ ' : '  '), toned('error', text))));
	}

	if (state.notice) {
		messages.push(line(toned('muted', state.notice)));
	}

	// Written before the footer is measured, so the footer's own height is exact.
	const content = !wide && state.diagram
		? diagramLines(state.setup, mainWidth, input.sandbox)
		: input.prose.split('\n').flatMap(text => wrapStyled(text, mainWidth)).map(text => line(text));

	const where = wherePhrase(input.commands?.[0]);
	const status = runStatusLines(state.run, where);
	const progress = state.run.phase === 'running' ? state.run.progress : undefined;
	const statusRows = status.length + (progress ? 1 : 0);
	const usable = rows - 1; // The last row stays empty: a frame as tall as the screen makes Ink clear it on every update.
	// Rows are shared out by importance: the command is always whole; then the checks, the hint,
	// what changed and the output get what they need while the prose keeps a few rows; the prose
	// takes the rest and scrolls. Sections cut short say how much is hidden.
	const allocate = (footerRows: number) => {
		let left = usable - (header.length + 1 + commands.length + 1 + statusRows + messages.length + footerRows);
		const keepForProse = Math.min(minProse, content.length);
		const take = (want: number, reserve: number) => {
			const rows = Math.max(0, Math.min(want, left - reserve));
			left -= rows;
			return rows;
		};

		// The hint is shown because the learner asked for it (or just failed): it comes first.
		const hintRows = take(hint.length, keepForProse + Math.min(1, checks.length));
		const checkRows = take(checks.length, keepForProse);
		const changeRows = take(changes.length, keepForProse);
		const outputRows = take(outputTail(state.run, mainWidth, maxOutputRows).length, keepForProse);
		return {checkRows, hintRows, changeRows, outputRows, proseHeight: Math.max(1, left)};
	};

	// Two sizes depend on each other: the footer lists j/k only when the prose scrolls.
	const measure = (scrolls: boolean) => footerLines(footerKeys(state, {scrolls, narrow: !wide}), columns);
	let footer = measure(false);
	let rowsFor = allocate(footer.length);
	if (content.length > rowsFor.proseHeight) {
		footer = measure(true);
		rowsFor = allocate(footer.length);
	}

	const {proseHeight} = rowsFor;
	const output = outputTail(state.run, mainWidth, rowsFor.outputRows);
	const maxScroll = Math.max(0, content.length - proseHeight);
	const scroll = Math.min(state.scroll, maxScroll);
	const prose = content.slice(scroll, scroll + proseHeight);
	const scrollBar = maxScroll > 0
		? line(toned('muted', `${scroll > 0 ? '↑' : ' '}${scroll < maxScroll ? '↓' : ' '} lines ${scroll + 1}–${scroll + prose.length} of ${content.length} · j/k or PgUp/PgDn`))
		: [];

	return {
		header,
		prose,
		proseHeight,
		scrollBar,
		scroll,
		maxScroll,
		page: Math.max(1, proseHeight - 1),
		side: wide ? {width: sideWidth, sandbox: input.sandbox} : undefined,
		mainWidth,
		commands,
		checks: cut(checks, rowsFor.checkRows),
		hint: cut(hint, rowsFor.hintRows),
		run: {status, progress, output, height: statusRows + output.length},
		changes: cut(changes, rowsFor.changeRows),
		messages,
		footer,
	};
}
