import type {RunEvent, StepReport} from '../../workshop/api.ts';
import {line, toned, type Line} from './lines.ts';
import {progressText, statusMark} from './sections.ts';

/**
 * One step's verdict as `verify` and `solve` print it: the mark, `lesson/step` and the title;
 * advice not followed yet; for a step that does not pass, the message, and for a failure the
 * expected, the actual and the hint.
 */
export function verdictLines(lessonId: string, step: StepReport, hint?: string): Line[] {
	const {mark, tone} = statusMark[step.status];
	const rows: Line[] = [line(toned(tone, mark), ' ', toned('heading', `${lessonId}/${step.id}`), `  ${step.title}`)];
	for (const check of step.checks) {
		if (check.advice && check.status === 'fail') {
			rows.push(line(toned('muted', `    rootcamp advises: ${check.message}`)));
		}
	}

	if (step.status === 'pass') {
		return rows;
	}

	rows.push(line(`    ${step.message}`));
	if (step.status === 'fail') {
		if (step.expected !== undefined) {
			rows.push(line(`    expected: ${step.expected}`));
		}

		if (step.actual !== undefined) {
			rows.push(line(`    actual:   ${step.actual}`));
		}

		if (hint) {
			rows.push(line(toned('muted', `    hint: ${hint.replaceAll('\n', ' ')}`)));
		}
	}

	return rows;
}

/** Where the run-event printer writes: rows, and (on a terminal) a command's output as it comes. */
export type RunSink = {
	rows: (rows: Line[]) => void;
	/** Passes output through unchanged (a terminal redraws apt's bars itself); without it, output is logged line by line. */
	raw?: (chunk: string) => void;
};

// Long work prints its progress at most this often: a log wants a trace, not a flood.
const progressEveryMs = 1000;

/**
 * The one printer of a running step's events, for `solve` and the plain renderer: each command
 * line as `$ command` (`container $ command` elsewhere than the host), its output, and (when the
 * output is logged, not passed through) a line of progress at most once a second. `flush` prints a last line the output did not end.
 */
export function runEventPrinter(sink: RunSink): {onEvent: (event: RunEvent) => void; flush: () => void} {
	let partial = '';
	let lastProgress = 0;
	const onEvent = (event: RunEvent) => {
		switch (event.type) {
			case 'start': {
				const prompt = event.command.where === 'host' ? '$' : `${event.command.where} $`;
				sink.rows(event.command.text.split('\n').filter(row => row.trim() !== '').map(text => line(toned('command', `${prompt} ${text}`))));
				break;
			}

			case 'output': {
				if (sink.raw) {
					sink.raw(event.chunk);
					break;
				}

				const pieces = (partial + event.chunk).split('\n');
				partial = pieces.pop() ?? '';
				// A carriage return redraws a terminal row; a log keeps only what was last drawn.
				sink.rows(pieces.map(piece => line(piece.split('\r').findLast(Boolean) ?? '')));
				break;
			}

			case 'progress': {
				// Passed through, the command's own output is its progress; a line here would cut into it.
				if (sink.raw) {
					break;
				}

				const now = Date.now();
				const finished = event.total !== undefined && event.done >= event.total;
				if (finished || now - lastProgress >= progressEveryMs) {
					lastProgress = now;
					sink.rows([line(toned('muted', `progress: ${progressText(event)}`))]);
				}

				break;
			}
		}
	};

	return {
		onEvent,
		flush() {
			if (partial !== '') {
				sink.rows([line(partial)]);
				partial = '';
			}
		},
	};
}
