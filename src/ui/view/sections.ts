import {formatSize} from '../../check/format.ts';
import type {Status} from '../../check/types.ts';
import type {Variables} from '../../lesson/types.ts';
import type {Change, FilledCommand, StepReport} from '../../workshop/api.ts';
import type {RunProgress, RunState} from '../state/state.ts';
import {foldCommand, formatDuration, line, toned, truncate, wrapWords, type Line} from './lines.ts';
import {tableLines} from './table-lines.ts';
import type {Tone} from './theme.ts';

/** The mark and word for a status; the word is there for screen readers and logs. */
export const statusMark: Record<Status, {mark: string; word: string; tone: Tone}> = {
	pass: {mark: '✓', word: 'pass', tone: 'pass'},
	fail: {mark: '✗', word: 'fail', tone: 'fail'},
	skip: {mark: '–', word: 'skip', tone: 'skip'},
};

/** Advice not followed yet: a reminder, not a failure of the step. */
const adviceMark = {mark: '!', word: 'advice', tone: 'warn'} as const satisfies {mark: string; word: string; tone: Tone};

/** Where a command runs, as its label says it: `host`, or `container (pid N)` (or a side shell). */
export function whereLabel(command: Pick<FilledCommand, 'where'>, variables: Partial<Variables> | undefined): string {
	if (command.where === 'host') {
		return 'host';
	}

	const name = command.where === 'container' ? 'container' : `${command.where} shell`;
	const pid = variables?.[command.where === 'container' ? 'pid' : command.where];
	return pid ? `${name} (pid ${pid})` : `${name} (not running yet)`;
}

/** Where a command runs, for a sentence: `on the host`, `in the container`. */
export function wherePhrase(command: Pick<FilledCommand, 'where'> | undefined): string {
	if (!command || command.where === 'host') {
		return 'on the host';
	}

	return command.where === 'container' ? 'in the container' : `in the ${command.where} shell`;
}

/**
 * The step's commands, each under a label saying where it runs. The command rows carry nothing
 * but the command, so selecting them in the terminal copies it exactly; long rows are folded
 * with ` \` continuations, which the shell reads as the same command.
 */
export function commandLines(commands: FilledCommand[] | undefined, variables: Partial<Variables> | undefined, width: number, options: {fold?: boolean} = {}): Line[] {
	if (commands === undefined) {
		return [line(toned('muted', 'Filling in the command…'))];
	}

	if (commands.length === 0) {
		return [line(toned('muted', 'This step has no command: it is done in the container\'s shell (press s).'))];
	}

	const rows: Line[] = [];
	for (const command of commands) {
		rows.push(line(
			toned('muted', 'Command · '),
			toned('accent', whereLabel(command, variables)),
			command.startsContainer && toned('muted', ' · starts the container'),
			command.starts && toned('muted', ` · starts the ${command.starts} shell`),
			command.inShell && toned('muted', ' · typed into its shell'),
		));
		for (const text of command.text.replace(/\n+$/, '').split('\n')) {
			const folded = options.fold === false ? [text] : foldCommand(text, width);
			for (const part of folded) {
				rows.push(line(toned('command', part)));
			}
		}
	}

	return rows;
}

function wrapped(prefix: string, text: string, width: number, tone?: Tone): Line[] {
	const indent = ' '.repeat([...prefix].length);
	return wrapWords(text, Math.max(10, width - indent.length)).map((row, index) => line(
		index === 0 ? prefix : indent,
		tone ? toned(tone, row) : row,
	));
}

/** Each check's state; a failing one with what was expected and what was found. */
export function checkLines(report: StepReport | undefined, width: number, options: {words?: boolean} = {}): Line[] {
	if (!report) {
		return [line(toned('heading', 'Checks '), toned('muted', 'checking…'))];
	}

	const overall = statusMark[report.status];
	const rows: Line[] = [line(toned('heading', 'Checks '), toned(overall.tone, `${overall.mark} ${overall.word}`))];
	const decisive = report.checks.filter(check => !check.advice);
	if (decisive.length === 0) {
		rows.push(...wrapped('  ', report.message, width, 'muted'));
	}

	for (const check of report.checks) {
		const {mark, word, tone} = check.advice && check.status === 'fail' ? adviceMark : statusMark[check.status];
		// Words for screen readers and logs, marks where the eye scans a column.
		const prefix = options.words ? `  ${word.toUpperCase()} ` : `  ${mark} `;
		const label = check.advice ? `rootcamp advises: ${check.check}` : check.check;
		const text = check.status === 'pass' ? label : `${label} — ${check.message}`;
		const [first, ...rest] = wrapped(prefix, text, width);
		rows.push([{text: prefix, tone}, ...first!.slice(1)], ...rest);
		if (check.table) {
			rows.push(...tableLines(check.table, width));
		}

		if (check.status === 'fail' && !check.advice) {
			if (check.expected !== undefined) {
				rows.push(...wrapped('      expected: ', check.expected, width));
			}

			if (check.actual !== undefined) {
				rows.push(...wrapped('      actual:   ', check.actual, width));
			}
		}
	}

	return rows;
}

/** The hint, labelled, wrapped to the width. */
export function hintLines(hint: string, width: number): Line[] {
	const text = hint.trim() === '' ? 'This step has no hint.' : plainInline(hint);
	const rows = wrapWords(text, Math.max(10, width - 6));
	return rows.map((row, index) => line(index === 0 ? toned('warn', 'Hint: ') : '      ', row));
}

/** Inline Markdown as plain text: what a hint or a one-line message needs. */
export function plainInline(markdown: string): string {
	return markdown
		.replaceAll(/^\s*>\s?/gm, '')
		.replace(/\*\*hint:\*\*\s*/i, '')
		.replaceAll(/\*\*([^*]+)\*\*/g, '$1')
		.replaceAll(/`([^`]+)`/g, '$1')
		.replaceAll(/\s*\n\s*/g, ' ')
		.trim();
}

const changeTone: Record<Change['sign'], Tone> = {'+': 'add', '-': 'remove', '~': 'change'};

/** "What changed": one row per change, signed. */
export function changeLines(changes: Change[] | undefined, width: number, limit = Number.POSITIVE_INFINITY): Line[] {
	if (!changes || changes.length === 0) {
		return [];
	}

	const rows: Line[] = [line(toned('heading', 'What changed'))];
	const shown = changes.slice(0, limit);
	for (const change of shown) {
		rows.push(line(toned(changeTone[change.sign], `${change.sign} `), truncate(change.text, Math.max(10, width - 2))));
	}

	if (changes.length > shown.length) {
		rows.push(line(toned('muted', `  … ${changes.length - shown.length} more`)));
	}

	return rows;
}

/** `45% 12.3 MB / 27.1 MB`, or `3 packages` when the total is unknown. */
export function progressText(progress: RunProgress): string {
	// The current item, cut so that the bar keeps its room (a tar path can be long).
	const item = progress.item ? ` · ${progress.item.length > 48 ? `${progress.item.slice(0, 47)}…` : progress.item}` : '';
	const amount = (value: number) => (progress.unit === 'bytes' ? formatSize(value) : String(value));
	if (progress.total === undefined || progress.total <= 0) {
		return `${progress.unit === 'bytes' ? amount(progress.done) : `${progress.done} ${progress.unit}`}${item}`;
	}

	const percent = Math.min(100, Math.floor((progress.done / progress.total) * 100));
	const unit = progress.unit === 'bytes' ? '' : ` ${progress.unit}`;
	return `${String(percent).padStart(3)}% ${amount(progress.done)} / ${amount(progress.total)}${unit}${item}`;
}

/** A bar when the total is known, else a spinner; followed by the amounts. */
export function progressLine(progress: RunProgress, width: number): Line {
	const text = progressText(progress);
	if (progress.total === undefined || progress.total <= 0) {
		return line({spinner: true}, ' ', text);
	}

	const barWidth = Math.max(10, Math.min(40, width - text.length - 3));
	const filled = Math.round(Math.min(1, progress.done / progress.total) * barWidth);
	return line(toned('pass', '█'.repeat(filled)), toned('muted', '░'.repeat(barWidth - filled)), ' ', text);
}

/** The run's status row: confirm prompt, spinner with elapsed time, or how it ended. */
export function runStatusLines(run: RunState, where: string): Line[] {
	// `where` is a phrase: `on the host`, `in the container`.
	switch (run.phase) {
		case 'idle': {
			return [];
		}

		case 'confirm': {
			return [line(toned('warn', `Run the command above ${where}? `), toned('key', 'y'), ' yes  ', toned('key', 'n'), ' no')];
		}

		case 'running': {
			return [run.stopping
				? line({spinner: true}, ' ', toned('warn', `Stopping… ${formatDuration(run.elapsedMs)}`))
				: line({spinner: true}, ' ', `Running ${where} · ${formatDuration(run.elapsedMs)} · `, toned('key', 'Ctrl-C'), ' stops it')];
		}

		case 'done': {
			if (run.failure !== undefined) {
				return [line(toned('fail', `✗ The command could not run (${formatDuration(run.elapsedMs)})`))];
			}

			if (run.cancelled) {
				return [line(toned('warn', `■ Stopped after ${formatDuration(run.elapsedMs)}`))];
			}

			if (run.exitCode === 0) {
				return [line(toned('pass', `✓ Finished in ${formatDuration(run.elapsedMs)}`), toned('muted', ' (exit 0)'))];
			}

			return [line(toned('fail', `✗ Exited with ${run.exitCode ?? '?'} after ${formatDuration(run.elapsedMs)}`))];
		}
	}
}

/** The last `rows` rows of the run's output, each cut to the width. */
export function outputTail(run: RunState, width: number, rows: number): Line[] {
	if (rows <= 0 || (run.phase !== 'running' && run.phase !== 'done')) {
		return [];
	}

	const output = run.phase === 'running' && run.partial !== '' ? [...run.output, run.partial] : run.output;
	return output.slice(-rows).map(text => line(toned('muted', truncate(text, width))));
}

/** One key and what it does, as the footer lists them. */
export type KeyHelp = {key: string; label: string};

/** The footer's rows: keys separated by two spaces, wrapped between keys, never inside one. */
export function footerLines(keys: KeyHelp[], width: number): Line[] {
	const rows: Line[] = [];
	let row: Line = [];
	let used = 0;
	for (const {key, label} of keys) {
		const size = key.length + 1 + label.length;
		if (used > 0 && used + 2 + size > width) {
			rows.push(row);
			row = [];
			used = 0;
		}

		if (used > 0) {
			row.push({text: '  '});
			used += 2;
		}

		row.push(toned('key', key), {text: ` ${label}`});
		used += size;
	}

	if (row.length > 0) {
		rows.push(row);
	}

	return rows;
}
