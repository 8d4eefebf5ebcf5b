import {stepKey} from '../workshop/progress.ts';
import type {LessonReport, WorkshopForCommands} from '../workshop/api.ts';
import {reportOpened, reportVerify} from '../classroom/student/hooks.ts';
import {runEventPrinter} from '../ui/view/report-lines.ts';
import {confirmPrivileged} from './confirm.ts';
import {paint, writeRows, type Output} from './output.ts';
import {requireRoot} from './require-root.ts';
import {printStep} from './verify.ts';

/**
 * `rootcamp solve [LESSON[/STEP]]`: runs the reference commands of every step that does not pass
 * yet, in course order, showing each command before it runs and "what changed" after. Stops at
 * the first step whose check still fails. SIGINT/SIGTERM end the running command's process group.
 */
export const solveCommand = async (
	engine: WorkshopForCommands,
	filter: {lesson?: string; step?: string},
	yes: boolean,
	output: Output,
): Promise<number> => {
	requireRoot('solve');
	const selected = engine.select(filter).flatMap(({lesson, steps}) => steps.map(step => ({lesson, step})));
	const variables = await engine.variables();
	const todo = [];
	for (const {lesson, step} of selected) {
		const ref = {lesson: lesson.id, step: step.id};
		const report = await engine.verifyStep(ref);
		if (report.status === 'pass') {
			output.out(`${paint(output, 'muted', '✓')} ${stepKey(ref)} already done`);
		} else {
			todo.push({ref, lesson, step, report});
		}
	}

	if (todo.length === 0) {
		return 0;
	}

	const plan = todo.flatMap(({ref}) => engine.commandsFor(ref, variables).map(command =>
		`[${stepKey(ref)} ${command.where === 'host' || command.where === 'container' ? `on the ${command.where}` : `in the ${command.where} shell`}] ${command.text.replaceAll('\n', '; ')}`));
	if (!await confirmPrivileged(output, plan, yes)) {
		output.out('nothing was run');
		return 1;
	}

	const solved: LessonReport[] = [];
	const controller = new AbortController();
	const stop = () => {
		controller.abort();
	};

	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
	try {
		for (const {ref, lesson, step} of todo) {
			if (step.requires.length > 0) {
				const report = await engine.verifyStep(ref);
				if (report.status === 'skip') {
					printStep(output, lesson.id, report);
					continue;
				}
			}

			output.out('');
			output.out(paint(output, 'heading', `▶ ${lesson.title} — ${step.title} (${stepKey(ref)})`));
			const printer = runEventPrinter({rows(rows) {
				writeRows(output, rows);
			}, raw: output.raw});
			await reportOpened(ref);
			const result = await engine.runStep(ref, {signal: controller.signal, onEvent: printer.onEvent});
			solved.push({id: lesson.id, title: lesson.title, steps: [result.report]});
			printer.flush();
			for (const change of result.changes) {
				output.out(`${change.sign} ${change.text}`);
			}

			if (result.cancelled) {
				output.err('stopped: the command was ended; progress and the journal are saved');
				return 130;
			}

			printStep(output, lesson.id, result.report, engine.hintFor(ref, await engine.variables()));
			if (result.report.status === 'fail') {
				return 1;
			}
		}
	} finally {
		process.off('SIGINT', stop);
		process.off('SIGTERM', stop);
		// The classroom hears each step solved, within a second, whatever the ending.
		await reportVerify({lessons: solved}, filter);
	}

	return 0;
};
