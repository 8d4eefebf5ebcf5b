import {reportReset} from '../classroom/student/hooks.ts';
import type {WorkshopForCommands} from '../workshop/api.ts';
import {confirmPrivileged} from './confirm.ts';
import {paint, type Output} from './output.ts';
import {requireRoot} from './require-root.ts';

/** `rootcamp reset [--purge]`: undo what the journal lists, after showing it. */
export const resetCommand = async (engine: WorkshopForCommands, purge: boolean, yes: boolean, output: Output): Promise<number> => {
	requireRoot('reset');
	const plan = await engine.planReset(purge);
	if (plan.length > 0 && !await confirmPrivileged(output, plan, yes)) {
		output.out('nothing was changed');
		return 1;
	}

	const result = await engine.reset(purge);
	await reportReset(result.left);
	for (const line of result.done) {
		output.out(`done: ${line}`);
	}

	for (const line of result.left) {
		output.out(paint(output, 'warn', `left: ${line}`));
	}

	if (result.done.length === 0 && result.left.length === 0) {
		output.out('nothing to undo: rootcamp has nothing of its own on this host');
	}

	return 0;
};
