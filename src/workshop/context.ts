import type {Probes} from '../host/probes.ts';
import type {CommandBlock, Course, Step, Variables} from '../lesson/types.ts';
import type {StepRef, StepReport} from './api.ts';
import type {IsolationWatch} from './isolation.ts';
import type {Journal} from './journal.ts';
import type {Paths} from './paths.ts';

/**
 * The narrow views of the workshop that its helpers take, instead of the whole engine: what
 * running a step's commands needs, and what reset needs. The engine satisfies both; the helpers
 * never import it, so nothing imports in a circle.
 */
export type ShellContext = {
	readonly paths: Paths;
	readonly journal: Journal;
	probes(): Probes;
};

export type RunContext = ShellContext & {
	variables(probes?: Probes): Promise<Variables>;
	/** The step's command blocks for this workshop's route and control-group hierarchy. */
	blocksFor(step: Step): CommandBlock[];
	refOf(step: Step): StepRef;
	verifyStep(ref: StepRef, probes?: Probes): Promise<StepReport>;
};

export type ResetContext = ShellContext & {
	readonly course: Course;
	readonly rootfs: string;
	isolationWatch(): IsolationWatch;
	clearProgress(): void;
};
