import type {ExecutionContext} from 'ava';
import type {Lesson, Route} from '../../src/lesson/types.ts';
import type {StepRef} from '../../src/workshop/api.ts';
import {stepKey} from '../../src/workshop/progress.ts';
import type {WorkshopEngine} from '../../src/workshop/workshop.ts';

type Options = {
	/** What "what changed" must name after each step, by `lesson/step`. */
	changeNamed: Record<string, RegExp>;
	/** Every step that passes must have an entry in `changeNamed` (the lessons beyond the write-up). */
	everyStepNamed?: boolean;
	/** The rootfs route: a step may be "not applicable" only on busybox. */
	route: Route;
	/** A test's own assertions after each step has run. */
	afterStep?: (ref: StepRef) => Promise<void>;
};

/**
 * Runs each step of `lessons` in order, as "run it for me" does, and holds it to the design's
 * contract: its check fails before (or skips, for a step nothing can observe, or one that does
 * not apply to this rootfs), `runStep` makes it pass, and "what changed" names the change.
 */
export async function walkSteps(t: ExecutionContext, engine: WorkshopEngine, lessons: Lesson[], options: Options): Promise<void> {
	for (const lesson of lessons) {
		for (const step of lesson.steps) {
			const ref = {lesson: lesson.id, step: step.id};
			const key = stepKey(ref);
			const before = await engine.verifyStep(ref);
			const notApplicable = before.message.startsWith('not applicable');
			const quiet = step.unobservable !== undefined || notApplicable;
			if (quiet) {
				t.is(before.status, 'skip', `${key} is unobservable or not applicable, so it skips`);
			} else {
				t.is(before.status, 'fail', `${key} must fail before it is done: ${before.message}`);
			}

			if (notApplicable) {
				t.is(options.route, 'busybox', `${key} applies to every rootfs with apt`);
				continue;
			}

			let output = '';
			const result = await engine.runStep(ref, {onEvent(event) {
				output += event.type === 'start' ? `${event.command.where} # ${event.command.text}\n` : (event.type === 'output' ? event.chunk : '');
			}});
			t.false(result.cancelled);
			const expected = quiet ? 'skip' : 'pass';
			if (result.report.status !== expected) {
				t.log(`${key} printed:\n${output}`);
			}

			t.is(result.report.status, expected, `${key} must ${quiet ? 'stay a skip' : 'pass after solve'}: ${result.report.message} (expected ${result.report.expected}, actual ${result.report.actual})`);
			if (!quiet) {
				const changes = result.changes.map(change => `${change.sign} ${change.text}`).join('\n');
				t.log(`${key}:\n${changes}`);
				const named = options.changeNamed[key];
				if (named) {
					t.regex(changes, named, `${key}: what changed must name the change`);
				} else if (options.everyStepNamed) {
					t.fail(`${key}: the test names no change for this step`);
				}
			}

			await options.afterStep?.(ref);
		}
	}
}
