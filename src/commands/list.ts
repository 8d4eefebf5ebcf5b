import {stepKey} from '../workshop/progress.ts';
import type {WorkshopForCommands} from '../workshop/api.ts';
import {paint, type Output} from './output.ts';

/** `rootcamp list`: lessons, steps and saved progress, without touching the host. */
export const listCommand = (engine: WorkshopForCommands, output: Output): number => {
	const {passed, current} = engine.progress();
	for (const lesson of engine.course.lessons) {
		const done = lesson.steps.filter(step => passed[stepKey({lesson: lesson.id, step: step.id})]).length;
		output.out(`${paint(output, 'heading', lesson.title)} ${paint(output, 'muted', `(${lesson.id}, ${done}/${lesson.steps.length} done)`)}`);
		for (const step of lesson.steps) {
			const ref = {lesson: lesson.id, step: step.id};
			const here = current && stepKey(current) === stepKey(ref) ? ' ← you are here' : '';
			const state = passed[stepKey(ref)] ? paint(output, 'pass', '✓') : ' ';
			output.out(`  ${state} ${stepKey(ref).padEnd(28)} ${step.title}${here}`);
		}
	}

	return 0;
};
