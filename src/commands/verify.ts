import {type Report, type StepReport, type WorkshopForCommands} from '../workshop/api.ts';
import {classStateLines, reportVerify} from '../classroom/student/hooks.ts';
import {sandboxNote} from '../sandbox/note.ts';
import {verdictLines} from '../ui/view/report-lines.ts';
import {paint, writeRows, type Output} from './output.ts';
import {requireRoot} from './require-root.ts';

/** Prints one step's verdict; a failure shows expected, actual and the hint. */
export const printStep = (output: Output, lessonId: string, step: StepReport, hint?: string) => {
	writeRows(output, verdictLines(lessonId, step, hint));
};

/** `rootcamp verify [LESSON[/STEP]] [--json]`: check the host now; exit 0 only when nothing fails. */
export const verifyCommand = async (engine: WorkshopForCommands, filter: {lesson?: string; step?: string}, json: boolean, output: Output, junit?: string): Promise<number> => {
	requireRoot('verify');
	// One round of probes for the report and the hints' variables: /proc is walked once.
	const probes = engine.probes();
	const report: Report = await engine.verify(filter, probes);
	if (json) {
		output.out(JSON.stringify(report));
	} else {
		const variables = await engine.variables(probes);
		const sandbox = sandboxNote();
		if (sandbox) {
			output.out(paint(output, 'muted', sandbox));
		}

		output.out(paint(output, 'muted', `rootfs ${report.rootfs}; ${report.container ? `container shell pid ${report.container.pid} (own namespaces: ${report.container.namespaces.join(', ')})` : 'no container running'}`));
		for (const lesson of report.lessons) {
			output.out(paint(output, 'heading', lesson.title));
			for (const step of lesson.steps) {
				printStep(output, lesson.id, step, engine.hintFor({lesson: lesson.id, step: step.id}, variables));
			}
		}

		const {pass, fail, skip} = report.summary;
		output.out(`${pass} passed, ${fail} failed, ${skip} skipped`);
	}

	if (junit) {
		const {writeVerifyJunit} = await import('../classroom/verify-junit.ts');
		writeVerifyJunit(junit, report);
	}

	// Joined a classroom? The verdicts are queued and sent (a second at most); the answer's class state is shown.
	const classState = await reportVerify(report, filter);
	if (!json) {
		for (const line of classStateLines(classState)) {
			output.out(paint(output, 'accent', line));
		}
	}

	return report.summary.fail > 0 ? 1 : 0;
};
