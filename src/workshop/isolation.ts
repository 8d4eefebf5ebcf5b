import {namedFacts} from '../check/evaluate.ts';
import {findVariables} from '../lesson/variables.ts';
import {isSideShell, type CgroupSelector, type Course, type SideShell, type Variables} from '../lesson/types.ts';
import type {Probes} from '../host/probes.ts';
import type {CgroupGroup} from '../host/cgroup/cgroup.ts';
import type {Snapshot} from './api.ts';

/** What the lessons beyond the write-up ask the engine to watch: their control groups and side shells. */
export type IsolationWatch = {
	/** Group names the `cgroup` checks name (`rootcamp`). */
	cgroups: string[];
	/** Side shells a block starts or runs in, a check looks at, or a text names as `{{jail}}`. */
	shells: SideShell[];
};

/** Reads from the course what to watch, so a course without these lessons never pays for the scans. */
export const isolationWatch = (course: Course): IsolationWatch => {
	const cgroups = new Set<string>();
	const shells = new Set<SideShell>();
	for (const step of course.lessons.flatMap(lesson => lesson.steps)) {
		for (const block of step.commands) {
			if (isSideShell(block.where)) {
				shells.add(block.where);
			}

			if (block.starts) {
				shells.add(block.starts);
			}
		}

		for (const check of step.checks) {
			// Each check kind says which facts it names (src/check/kinds/*: `watches`).
			const named = namedFacts(check);
			for (const name of named.cgroups ?? []) {
				cgroups.add(name);
			}

			for (const shell of named.shells ?? []) {
				shells.add(shell);
			}
		}

		for (const text of [step.prose, step.hint, ...step.commands.map(block => block.text), ...step.checks.map(check => check.source)]) {
			for (const {name} of findVariables(text)) {
				if (isSideShell(name)) {
					shells.add(name);
				}
			}
		}
	}

	return {cgroups: [...cgroups], shells: [...shells]};
};

/** `{{jail}}`, `{{rootless}}` and `{{layered}}`: the host PIDs of the side shells, when they run (and when the course has them). */
export const sideVariables = async (probes: Probes, watch: IsolationWatch): Promise<Pick<Variables, SideShell>> => {
	const [jail, rootless, layered] = await Promise.all([
		watch.shells.includes('jail') ? probes.jail() : null,
		watch.shells.includes('rootless') ? probes.rootless() : null,
		watch.shells.includes('layered') ? probes.layered() : null,
	]);
	const pidOf = (shell: {pid: number} | null) => (shell ? String(shell.pid) : undefined);
	return {jail: pidOf(jail), rootless: pidOf(rootless), layered: pidOf(layered)};
};

/** Whether a block written for one kind of cgroup hierarchy applies to this host (unmarked blocks always do). */
export const forHierarchy = (selector: CgroupSelector | undefined, version: CgroupSelector | 'none'): boolean =>
	selector === undefined || selector === version || (version === 'none' && selector === 'v2');
