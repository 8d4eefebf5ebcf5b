import {existsSync, mkdirSync} from 'node:fs';
import {join} from 'node:path';
import {evaluateCheck, startSlowReads} from '../check/evaluate.ts';
import type {CheckResult} from '../check/types.ts';
import {createProbes, type Probes} from '../host/probes.ts';
import type {ListingMemo} from '../host/rootfs/tarball.ts';
import {defaultLessonsDir, findStep, formatLessonError, loadCourse} from '../lesson/load.ts';
import type {Course, Lesson, Route, Step, Variables} from '../lesson/types.ts';
import {fillKnownVariables, fillVariables, MissingVariableError} from '../lesson/variables.ts';
import {enterArgv} from '../run/enter.ts';
import type {
	Change, FilledCommand, LessonReport, Observation, Progress, Report, RunEvent, RunResult, SetupState, Snapshot, StepRef, StepReport, Workshop,
} from './api.ts';
import {Journal} from './journal.ts';
import {defaultPaths, type Paths} from './paths.ts';
import {ProgressStore, stepKey} from './progress.ts';
import {chooseRoute} from './route.ts';
import {validateRootfs} from './safety.ts';
import {takeSnapshot} from './snapshot.ts';
import {tarballMemo} from './tarball-memo.ts';
import {staticVariables, whyMissing, wireVariables, type StaticVariables} from './variables.ts';
import {forHierarchy, isolationWatch, sideVariables, type IsolationWatch} from './isolation.ts';
import {readCgroupHierarchy} from '../host/cgroup/cgroup.ts';
import {HostError, UsageError} from '../errors.ts';

export type WorkshopOptions = {
	lessonsDir?: string;
	rootfs?: string;
	route?: Route;
	paths?: Paths;
	/** Where /proc is: tests point it at a fixture tree. */
	proc?: string;
	/** Pick a route now if none is saved (solve and the app need one; verify does not). */
	needRoute?: boolean;
};

/** The default rootfs, as in the write-up. */
export const defaultRootfs = '/ubunturoot';

/** The engine: lessons, host facts, checks, runs, progress and journal behind one object. */
export class WorkshopEngine implements Workshop {
	readonly course: Course;
	readonly rootfs: string;
	readonly paths: Paths;
	readonly journal: Journal;
	readonly warnings: string[];
	#route: Route | undefined;
	#store: ProgressStore;
	#static: StaticVariables | undefined;
	#proc: string | undefined;
	#watch: IsolationWatch | undefined;
	#tarballMemo: ListingMemo | undefined;
	#cgroupVersion: 'v1' | 'v2' | 'none' | undefined;

	constructor(course: Course, options: {rootfs: string; route?: Route; paths: Paths; proc?: string; store?: ProgressStore}) {
		this.course = course;
		this.rootfs = options.rootfs;
		this.paths = options.paths;
		this.#proc = options.proc;
		// One store per workshop: a second one would find a corrupt file already set aside and lose the warning.
		this.#store = options.store ?? new ProgressStore(options.paths.state);
		this.journal = new Journal(options.paths.state);
		this.warnings = [this.#store.warning, this.journal.warning].filter((warning): warning is string => Boolean(warning));
		this.#route = options.route ?? this.#store.get().route;
	}

	get route(): Route | undefined {
		return this.#route;
	}

	/** Fixes the route for this workshop and remembers it, so every later command agrees. */
	useRoute(route: Route) {
		this.#route = route;
		this.#static = undefined;
		if (this.#store.get().route !== route) {
			this.#store.update(progress => ({...progress, route}));
		}
	}

	/** Saves the rootfs in progress, so a later command without --rootfs uses the same one. */
	rememberRootfs() {
		this.#store.update(progress => ({...progress, rootfs: this.rootfs}));
	}

	progress(): Progress {
		return this.#store.get();
	}

	async setCurrent(ref: StepRef) {
		this.#requireStep(ref);
		this.#store.update(progress => ({...progress, current: ref}));
	}

	markPassed(ref: StepRef) {
		this.#store.markPassed(ref);
	}

	/** Forgets every step's pass and the current place (after a reset). */
	clearProgress() {
		this.#store.update(progress => ({version: 1, passed: {}, route: progress.route}));
	}

	/** A new round of memoized probes: each fact is read once per round. */
	probes(): Probes {
		this.#tarballMemo ??= tarballMemo(this.paths.cache);
		return createProbes({proc: this.#proc, rootfs: this.rootfs, tarballMemo: this.#tarballMemo});
	}

	staticVariables(): StaticVariables {
		this.#static ??= staticVariables(this.rootfs, this.#route ?? 'debootstrap', this.paths, {proc: this.#proc});
		return this.#static;
	}

	async variables(probes: Probes = this.probes()): Promise<Variables> {
		const [container, resolver, wire, sides] = await Promise.all([probes.container(), probes.resolver(), this.#wire(probes), sideVariables(probes, this.isolationWatch())]);
		return {...this.staticVariables(), resolver, pid: container ? String(container.pid) : undefined, ...wire, ...sides};
	}

	/** The wire lesson's addresses: the saved choice, or a new one, saved once made. */
	async #wire(probes: Probes) {
		const saved = this.#store.get().wire;
		if (saved?.subnet) {
			return {subnet: saved.subnet, prefix: saved.prefix, 'host-address': saved['host-address'], 'container-address': saved['container-address']};
		}

		const wire = await wireVariables(probes, this.#lessonLinks());
		if (wire.subnet) {
			this.#store.update(progress => ({...progress, wire}));
		}

		return wire;
	}

	/** The control groups and side shells the lessons use: what snapshots, variables and reset look at. */
	isolationWatch(): IsolationWatch {
		this.#watch ??= isolationWatch(this.course);
		return this.#watch;
	}

	/** The kind of hierarchy this host keeps pids and memory on, which picks a step's `cgroup=` blocks. */
	cgroupVersion(): 'v1' | 'v2' | 'none' {
		this.#cgroupVersion ??= readCgroupHierarchy(this.#proc === undefined ? {} : {proc: this.#proc}).version;
		return this.#cgroupVersion;
	}

	/** The interfaces the lessons make (every `link` check's name): their own addresses never count as taken. */
	#lessonLinks(): string[] {
		return [...new Set(this.course.lessons.flatMap(lesson => lesson.steps.flatMap(step =>
			step.checks.filter(check => check.kind === 'link' && !check.args[0]?.includes('{{')).map(check => check.args[0]!))))];
	}

	commandsFor(ref: StepRef, variables: Variables): FilledCommand[] {
		const {step} = this.#requireStep(ref);
		return this.blocksFor(step).map(block => ({
			where: block.where,
			startsContainer: block.startsContainer,
			inShell: block.inShell,
			...(block.starts ? {starts: block.starts} : {}),
			text: fillKnownVariables(block.text, variables),
		}));
	}

	/** The step's hint with its variables filled, as the learner should read it. */
	hintFor(ref: StepRef, variables: Variables): string {
		return fillKnownVariables(this.#requireStep(ref).step.hint, variables);
	}

	/** The step's command blocks for this route (blocks without a route are for every route). */
	blocksFor(step: Step) {
		return step.commands.filter(block => (!block.route || block.route === (this.#route ?? 'debootstrap')) && forHierarchy(block.cgroup, this.cgroupVersion()));
	}

	async verifyStep(ref: StepRef, probes: Probes = this.probes()): Promise<StepReport> {
		const report = await this.#judged(ref, probes);
		if (report.status === 'pass') {
			this.#store.markPassed(ref);
		}

		return report;
	}

	async verify(filter: {lesson?: string; step?: string; lessons?: string[]} = {}, probes: Probes = this.probes()): Promise<Report> {
		const lessons = filter.lessons
			? this.#select({}).filter(({lesson}) => filter.lessons!.includes(lesson.id))
			: this.#select(filter);
		const reports: LessonReport[] = await Promise.all(lessons.map(async ({lesson, steps}) => ({
			id: lesson.id,
			title: lesson.title,
			steps: await Promise.all(steps.map(step => this.verifyStep({lesson: lesson.id, step: step.id}, probes))),
		})));
		const container = await probes.container();
		const all = reports.flatMap(lesson => lesson.steps);
		const count = (status: StepReport['status']) => all.filter(step => step.status === status).length;
		return {
			rootfs: this.rootfs,
			container: container ? {pid: container.pid, namespaces: container.own} : null,
			lessons: reports,
			summary: {pass: count('pass'), fail: count('fail'), skip: count('skip')},
		};
	}

	async runStep(ref: StepRef, options: {onEvent?: (event: RunEvent) => void; signal?: AbortSignal} = {}): Promise<RunResult> {
		const {step} = this.#requireStep(ref);
		if (!this.#route) {
			const route = await chooseRoute();
			if (!route) {
				throw new HostError('no way to get a filesystem on this host: install debootstrap or busybox-static (rootcamp doctor says more)');
			}

			this.useRoute(route);
		}

		mkdirSync(this.paths.run, {recursive: true});
		mkdirSync(this.paths.cache, {recursive: true});
		// The "before" and the first block's variables from one round: the same moment, read once.
		const first = this.probes();
		// Loaded here, not at the top: verify never runs a command, and execa is costly to load.
		const [before, {runStepCommands}] = await Promise.all([this.snapshot(first), import('./solve-step.ts')]);
		const run = await runStepCommands(this, step, options, first);
		// The "after" and the verdict from one round of probes: the same moment, read once.
		const probes = this.probes();
		const [after, report, {describeChanges, madeByStep}] = await Promise.all([this.snapshot(probes), this.verifyStep(ref, probes), import('./diff.ts')]);
		this.#journalNew(before, after, madeByStep);
		const changes = describeChanges(before, after, {rootfs: this.rootfs});
		if (!run.cancelled) {
			await this.setCurrent(report.status === 'fail' ? ref : this.next(ref) ?? ref);
		}

		return {exitCode: run.exitCode, cancelled: run.cancelled, changes, report};
	}

	/** The reference of a step of this course. */
	refOf(step: Step): StepRef {
		const lesson = this.course.lessons.find(candidate => candidate.steps.includes(step));
		if (!lesson) {
			throw new Error(`step ${step.id} is not in this course`);
		}

		return {lesson: lesson.id, step: step.id};
	}

	/** The step after this one in the course, or undefined at the very end. */
	next(ref: StepRef): StepRef | undefined {
		const flat = this.course.lessons.flatMap(lesson => lesson.steps.map(step => ({lesson: lesson.id, step: step.id})));
		const at = flat.findIndex(other => stepKey(other) === stepKey(ref));
		return flat[at + 1];
	}

	async snapshot(probes: Probes = this.probes()): Promise<Snapshot> {
		return takeSnapshot(probes, this.watchedPaths(), this.isolationWatch());
	}

	/** Paths "what changed" watches: the rootfs, the tarball, the source, and every file a check names. */
	watchedPaths(): string[] {
		const variables = this.staticVariables();
		const paths = new Set([variables.tarball, variables.source, this.rootfs].filter((path): path is string => Boolean(path)));
		for (const lesson of this.course.lessons) {
			for (const step of lesson.steps) {
				for (const check of step.checks) {
					if (check.kind === 'file' && check.args[0]) {
						paths.add(fillKnownVariables(check.args[0], variables));
					}
				}
			}
		}

		return [...paths].filter(path => !path.includes('{{'));
	}

	async describeChanges(before: Snapshot, after: Snapshot): Promise<Change[]> {
		const {describeChanges} = await import('./diff.ts');
		return describeChanges(before, after, {rootfs: this.rootfs});
	}

	async observe(ref: StepRef, {snapshot = false}: {snapshot?: boolean} = {}): Promise<Observation> {
		const probes = this.probes();
		const [report, setup, taken] = await Promise.all([this.verifyStep(ref, probes), this.setup(probes), snapshot ? this.snapshot(probes) : undefined]);
		return {report, setup, ...(taken ? {snapshot: taken} : {})};
	}

	async setup(probes: Probes = this.probes()): Promise<SetupState> {
		const [container, hostLinks, containerLinks, containerMounts, hostMounts] = await Promise.all([
			probes.container(), probes.hostLinks(), probes.containerLinks(), probes.containerMounts(), probes.hostMounts(),
		]);
		const hostTargets = new Set(hostMounts.map(mount => mount.target));
		return {
			rootfs: this.rootfs,
			container,
			hostLinks,
			containerLinks,
			containerOnlyMounts: containerMounts.filter(mount => !hostTargets.has(join(this.rootfs, mount.target))),
		};
	}

	async shellCommand(): Promise<string[] | undefined> {
		const container = await this.probes().container();
		return container ? enterArgv(container.pid, ['/bin/sh', '-c', 'exec /bin/bash -i 2>/dev/null || exec /bin/sh -i']) : undefined;
	}

	/** The lessons and steps a `LESSON[/STEP]` filter names; unknown ids are a usage error. */
	#select(filter: {lesson?: string; step?: string}): Array<{lesson: Lesson; steps: Step[]}> {
		if (!filter.lesson) {
			return this.course.lessons.map(lesson => ({lesson, steps: lesson.steps}));
		}

		const lesson = this.course.lessons.find(candidate => candidate.id === filter.lesson);
		if (!lesson) {
			throw new UsageError(`no lesson "${filter.lesson}" (lessons: ${this.course.lessons.map(candidate => candidate.id).join(', ')})`);
		}

		if (!filter.step) {
			return [{lesson, steps: lesson.steps}];
		}

		const step = lesson.steps.find(candidate => candidate.id === filter.step);
		if (!step) {
			throw new UsageError(`no step "${filter.step}" in ${lesson.id} (steps: ${lesson.steps.map(candidate => candidate.id).join(', ')})`);
		}

		return [{lesson, steps: [step]}];
	}

	/** Steps a filter names, in course order: what `solve` runs. */
	select(filter: {lesson?: string; step?: string}) {
		return this.#select(filter);
	}

	#requireStep(ref: StepRef) {
		const found = findStep(this.course, ref.lesson, ref.step);
		if (!found) {
			throw new UsageError(`no step ${stepKey(ref)} in this course`);
		}

		return found;
	}

	/** Each step judged once a round of probes: a later step's `after:` reuses the verdict. */
	readonly #verdicts = new WeakMap<Probes, Map<string, Promise<StepReport>>>();

	async #judged(ref: StepRef, probes: Probes): Promise<StepReport> {
		let round = this.#verdicts.get(probes);
		if (!round) {
			round = new Map();
			this.#verdicts.set(probes, round);
		}

		const key = stepKey(ref);
		let verdict = round.get(key);
		if (!verdict) {
			verdict = this.#judgeStep(this.#requireStep(ref).step, probes);
			round.set(key, verdict);
		}

		return verdict;
	}

	async #judgeStep(step: Step, probes: Probes): Promise<StepReport> {
		const base = {id: step.id, title: step.title};
		const notApplicable = await this.#notApplicable(step);
		if (notApplicable) {
			return {...base, status: 'skip', message: notApplicable, checks: []};
		}

		// A step that builds on an earlier one is not judged on what the rootfs happened to hold.
		for (const ref of step.after) {
			// eslint-disable-next-line no-await-in-loop
			const earlier = await this.#judged(ref, probes);
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
		const variables = await this.variables(probes);
		const checks: CheckResult[] = await Promise.all(step.checks.map(async check => {
			try {
				const args = check.args.map(arg => fillVariables(arg, variables));
				const options = Object.fromEntries(Object.entries(check.options).map(([key, value]) => [key, fillVariables(value, variables)]));
				return await evaluateCheck({...check, args, options, source: fillKnownVariables(check.source, variables)}, probes);
			} catch (error) {
				const message = error instanceof MissingVariableError ? whyMissing(error.variable) : `could not check: ${(error as Error).message}`;
				return {status: error instanceof MissingVariableError ? 'skip' : 'fail', message, check: check.source, ...(check.advice ? {advice: true} : {})} satisfies CheckResult;
			}
		}));
		if (unobservable) {
			// Its checks are all advice (lint says so): shown with the step, which is still a skip.
			return {...base, status: 'skip', message: unobservable, checks};
		}

		// Advice is what rootcamp adds beyond the write-up: it never fails the write-up's step.
		const decisiveChecks = checks.filter(check => !check.advice);
		const failed = decisiveChecks.find(check => check.status === 'fail');
		const skipped = decisiveChecks.find(check => check.status === 'skip');
		const decisive = failed ?? skipped;
		if (decisive) {
			return {...base, status: decisive.status, message: decisive.message, expected: decisive.expected, actual: decisive.actual, checks};
		}

		return {...base, status: 'pass', message: decisiveChecks.length === 1 ? decisiveChecks[0]!.message : `all ${decisiveChecks.length} checks pass`, checks};
	}

	/** Why a step does not apply to this rootfs (a busybox rootfs has no apt), or undefined. */
	async #notApplicable(step: Step): Promise<string | undefined> {
		if (!step.requires.includes('apt')) {
			return undefined;
		}

		const rootfsHasApt = existsSync(join(this.rootfs, 'usr/bin/apt-get'));
		if (rootfsHasApt) {
			return undefined;
		}

		if (existsSync(join(this.rootfs, 'bin')) || this.#route === 'busybox') {
			return 'not applicable to this rootfs: it has no apt-get (a busybox rootfs has no package manager)';
		}

		return undefined;
	}

	/** Records in the journal what appeared while rootcamp ran a step, so `reset` can undo exactly that. */
	#journalNew(before: Snapshot, after: Snapshot, madeByStep: typeof import('./diff.ts').madeByStep) {
		for (const entry of madeByStep(before, after, {rootfs: this.rootfs, variables: this.staticVariables()})) {
			this.journal.add(entry);
		}
	}
}

/** Opens the workshop: loads and validates the lessons, checks the rootfs path, reads progress. */
export const openWorkshop = async (options: WorkshopOptions = {}): Promise<WorkshopEngine> => {
	const {course, errors} = loadCourse(options.lessonsDir ?? defaultLessonsDir());
	if (errors.length > 0) {
		throw new UsageError(`the lessons have errors (run rootcamp lint):\n${errors.map(formatLessonError).join('\n')}`);
	}

	const paths = options.paths ?? defaultPaths();
	const store = new ProgressStore(paths.state);
	const progressRootfs = store.get().rootfs;
	const rootfs = validateRootfs(options.rootfs ?? progressRootfs ?? defaultRootfs);
	const engine = new WorkshopEngine(course, {rootfs, route: options.route, paths, proc: options.proc, store});
	if (options.rootfs && progressRootfs !== rootfs) {
		engine.rememberRootfs();
	}

	if (options.route) {
		engine.useRoute(options.route);
	} else if (options.needRoute && !engine.route) {
		const route = await chooseRoute();
		if (route) {
			engine.useRoute(route);
		}
	}

	return engine;
};
