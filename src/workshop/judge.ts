import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {evaluateCheck, markAdvice, startSlowReads} from '../check/evaluate.ts';
import type {CheckResult} from '../check/types.ts';
import type {Probes} from '../host/probes.ts';
import {which} from '../host/tools/tools.ts';
import {canWriteCgroups, readOwnUserNamespace} from '../host/proc/user-namespace.ts';
import type {Route, Step, Variables} from '../lesson/types.ts';
import {fillKnownVariables, fillVariables, MissingVariableError} from '../lesson/variables.ts';
import type {StepRef, StepReport} from './api.ts';
import {stepKey} from './progress.ts';
import {whyMissing} from './variables.ts';

/** What judging a step needs of the workshop. */
export type JudgeContext = {
	rootfs: string;
	route(): Route | undefined;
	variables(probes: Probes): Promise<Variables>;
	/** The step a reference names (a usage error for an unknown one). */
	step(ref: StepRef): Step;
};

/**
 * Judges steps from one round of probes: each step once a round, so a later step's `after:`
 * reuses the verdict of the step it builds on. Advice never decides a verdict.
 */
export class Judge {
	readonly #context: JudgeContext;
	readonly #verdicts = new WeakMap<Probes, Map<string, Promise<StepReport>>>();

	constructor(context: JudgeContext) {
		this.#context = context;
	}

	async judged(ref: StepRef, probes: Probes): Promise<StepReport> {
		let round = this.#verdicts.get(probes);
		if (!round) {
			round = new Map();
			this.#verdicts.set(probes, round);
		}

		const key = stepKey(ref);
		let verdict = round.get(key);
		if (!verdict) {
			verdict = this.#judge(this.#context.step(ref), probes);
			round.set(key, verdict);
		}

		return verdict;
	}

	async #judge(step: Step, probes: Probes): Promise<StepReport> {
		const base = {id: step.id, title: step.title};
		const notApplicable = whyNotApplicable(step, this.#context.rootfs, this.#context.route());
		if (notApplicable) {
			return {...base, status: 'skip', message: notApplicable, checks: []};
		}

		// A step that builds on an earlier one is not judged on what the rootfs happened to hold.
		for (const ref of step.after) {
			const earlier = await this.judged(ref, probes);
			if (earlier.status === 'fail') {
				return {
					...base, status: 'fail', message: `do "${earlier.title}" (${stepKey(ref)}) first: ${earlier.message}`, expected: earlier.expected, actual: earlier.actual, checks: [],
				};
			}
		}

		const unobservable = step.unobservable && `nothing outside the shell can observe this step: ${step.unobservable}`;
		if (unobservable && step.checks.length === 0) {
			return {...base, status: 'skip', message: unobservable, checks: []};
		}

		startSlowReads(step.checks, probes);
		const checks = await evaluateChecks(step, probes, await this.#context.variables(probes));
		if (unobservable) {
			// Its checks are all advice (lint says so): shown with the step, which is still a skip.
			return {...base, status: 'skip', message: unobservable, checks};
		}

		// Advice is what rootcamp adds beyond the write-up: it never fails the write-up's step.
		const decisiveChecks = checks.filter(check => !check.advice);
		const decisive = decisiveChecks.find(check => check.status === 'fail') ?? decisiveChecks.find(check => check.status === 'skip');
		if (decisive) {
			return {...base, status: decisive.status, message: decisive.message, expected: decisive.expected, actual: decisive.actual, checks};
		}

		return {...base, status: 'pass', message: decisiveChecks.length === 1 ? decisiveChecks[0]!.message : `all ${decisiveChecks.length} checks pass`, checks};
	}
}

/** Each check of a step with its variables filled; a variable without a value skips the check and says why. */
const evaluateChecks = async (step: Step, probes: Probes, variables: Variables): Promise<CheckResult[]> => Promise.all(step.checks.map(async check => {
	try {
		const args = check.args.map(arg => fillVariables(arg, variables));
		const options = Object.fromEntries(Object.entries(check.options).map(([key, value]) => [key, fillVariables(value, variables)]));
		return await evaluateCheck({...check, args, options, source: fillKnownVariables(check.source, variables)}, probes);
	} catch (error) {
		const missing = error instanceof MissingVariableError;
		return markAdvice(check, {status: missing ? 'skip' : 'fail', message: missing ? whyMissing(error.variable) : `could not check: ${(error as Error).message}`, check: check.source});
	}
}));

/**
 * Why the kernel refuses a step to rootcamp here, or undefined: in a user namespace other than the
 * initial one (a rootless sandbox, or any rootless engine's), root holds its powers over that
 * namespace's own things only, and device numbers and the host's control groups are not.
 */
const whyRefusedInUserNamespace = (step: Step): string | undefined => {
	const needsMknod = step.requires.includes('mknod');
	const needsCgroups = step.requires.includes('cgroups');
	if (!needsMknod && !needsCgroups) {
		return undefined;
	}

	const own = readOwnUserNamespace();
	if (own.initial) {
		return undefined;
	}

	const where = `rootcamp runs in a user namespace (root here is uid ${own.rootOnHost ?? 'unmapped'} on the host), not the initial one`;
	if (needsMknod) {
		return `not applicable: ${where}, and the kernel refuses mknod of a device node there (a rootless engine such as podman bind-mounts the host's /dev/null and friends instead)`;
	}

	return canWriteCgroups()
		? undefined
		: `not applicable: ${where}, and it has no control group it may write (the kernel never mounts a cgroup v1 hierarchy in a user namespace, and cgroup v2 needs a subtree delegated to that uid, as systemd's user session has)`;
};

/** Why a step does not apply to this rootfs (a busybox rootfs has no apt) or host (no runc, no mknod), or undefined. */
const whyNotApplicable = (step: Step, rootfs: string, route: Route | undefined): string | undefined => {
	if (step.requires.includes('runc') && !which('runc')) {
		return 'not applicable to this host: runc is not installed (apt-get install runc)';
	}

	const refused = whyRefusedInUserNamespace(step);
	if (refused) {
		return refused;
	}

	if (!step.requires.includes('apt') || existsSync(join(rootfs, 'usr/bin/apt-get'))) {
		return undefined;
	}

	return existsSync(join(rootfs, 'bin')) || route === 'busybox'
		? 'not applicable to this rootfs: it has no apt-get (a busybox rootfs has no package manager)'
		: undefined;
};
