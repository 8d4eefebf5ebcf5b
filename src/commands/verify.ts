import type {Report, StepReport} from '../workshop/api.ts';
import type {WorkshopForCommands} from '../workshop/api.ts';
import {bold, dim, mark, type Output} from './output.ts';
import {requireRoot} from './require-root.ts';

/** Prints one step's verdict; a failure shows expected, actual and the hint. */
export const printStep = (output: Output, lessonId: string, step: StepReport, hint?: string) => {
	output.out(`${mark(output, step.status)} ${bold(output, `${lessonId}/${step.id}`)}  ${step.title}`);
	printAdvice(output, step);
	if (step.status === 'pass') {
		return;
	}

	output.out(`    ${step.message}`);
	if (step.status === 'fail') {
		if (step.expected !== undefined) {
			output.out(`    expected: ${step.expected}`);
		}

		if (step.actual !== undefined) {
			output.out(`    actual:   ${step.actual}`);
		}

		if (hint) {
			output.out(dim(output, `    hint: ${hint.replace(/\n/g, ' ')}`));
		}
	}
};

/** What rootcamp adds beyond the write-up and is not done yet: said, never counted as a failure. */
const printAdvice = (output: Output, step: StepReport) => {
	for (const check of step.checks) {
		if (check.advice && check.status === 'fail') {
			output.out(dim(output, `    rootcamp advises: ${check.message}`));
		}
	}
};

/** `rootcamp verify [LESSON[/STEP]] [--json]`: check the host now; exit 0 only when nothing fails. */
export const verifyCommand = async (engine: WorkshopForCommands, filter: {lesson?: string; step?: string}, json: boolean, output: Output): Promise<number> => {
	requireRoot('verify');
	// One round of probes for the report and the hints' variables: /proc is walked once.
	const probes = engine.probes();
	const report: Report = await engine.verify(filter, probes);
	if (json) {
		output.out(JSON.stringify(report));
	} else {
		const variables = await engine.variables(probes);
		output.out(dim(output, `rootfs ${report.rootfs}; ${report.container ? `container shell pid ${report.container.pid} (own namespaces: ${report.container.namespaces.join(', ')})` : 'no container running'}`));
		for (const lesson of report.lessons) {
			output.out(bold(output, lesson.title));
			for (const step of lesson.steps) {
				printStep(output, lesson.id, step, engine.hintFor({lesson: lesson.id, step: step.id}, variables));
			}
		}

		const {pass, fail, skip} = report.summary;
		output.out(`${pass} passed, ${fail} failed, ${skip} skipped`);
	}

	return report.summary.fail > 0 ? 1 : 0;
};
