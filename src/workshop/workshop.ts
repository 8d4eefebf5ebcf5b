import {mkdirSync} from 'node:fs';
import {createProbes, type Probes} from '../host/probes.ts';
import type {ListingMemo} from '../host/rootfs/tarball.ts';
import {defaultLessonsDir, formatLessonError, loadCourse} from '../lesson/load.ts';
import type {Course, Route, Step, Variables} from '../lesson/types.ts';
import {fillKnownVariables} from '../lesson/variables.ts';
import {enterArgv} from '../run/enter.ts';
import {readCgroupHierarchy} from '../host/cgroup/cgroup.ts';
import {HostError, UsageError} from '../errors.ts';
import type {
	Change, FilledCommand, LessonReport, Observation, Progress, Report, RunEvent, RunResult, SetupState, Snapshot, StepRef, StepReport, WorkshopForCommands,
} from './api.ts';
import {Journal, type JournalEntry} from './journal.ts';
import {defaultPaths, type Paths} from './paths.ts';
import {ProgressStore} from './progress.ts';
import {chooseRoute, countImageLayers} from './route.ts';
import {validateRootfs} from './safety.ts';
import {tarballMemo} from './tarball-memo.ts';
import {keptWireVariables, layeredRoot, staticVariables, type StaticVariables} from './variables.ts';
import {lessonLinks, nextStep, refOf, requireStep, selectSteps, watchedPaths} from './course-nav.ts';
import {Judge} from './judge.ts';
import {forHierarchy, isolationWatch, sideVariables, type IsolationWatch} from './isolation.ts';
import {runtimeReport} from './runtime-report.ts';

export type WorkshopOptions = {
	lessonsDir?: string;
	rootfs?: string;
	route?: Route;
	paths?: Paths;
	/** Where /proc is: tests point it at a fixture tree. */
	proc?: string;
	/** Pick a route now if none is saved (solve and the app need one; verify does not). */
	needRoute?: boolean;
	/** The image route's image (--image, absolute): remembered in progress like the rootfs. */
	image?: string;
};

/** The default rootfs, as in the write-up. */
const defaultRootfs = '/ubunturoot';

/** The engine: lessons, host facts, checks, runs, progress and journal behind one object. */
export class WorkshopEngine implements WorkshopForCommands {
	readonly course: Course;
	readonly rootfs: string;
	readonly paths: Paths;
	readonly journal: Journal;
	readonly warnings: string[];
	#route: Route | undefined;
	readonly #store: ProgressStore;
	#static: StaticVariables | undefined;
	readonly #proc: string | undefined;
	#watch: IsolationWatch | undefined;
	#tarballMemo: ListingMemo | undefined;
	#cgroupVersion: 'v1' | 'v2' | 'none' | undefined;
	/** On the image route, how many layers its image has (route.ts): read once, when the workshop opens. */
	imageLayers: number | undefined;
	readonly #judge: Judge;

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
		this.#judge = new Judge({
			rootfs: this.rootfs,
			route: () => this.#route,
			variables: async probes => this.variables(probes),
			step: ref => requireStep(this.course, ref).step,
		});
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
		requireStep(this.course, ref);
		this.#store.update(progress => ({...progress, current: ref}));
	}

	markPassed(ref: StepRef) {
		this.#store.markPassed(ref);
	}

	/** Forgets every step's pass and the current place (after a reset). */
	clearProgress() {
		this.#store.update(progress => ({version: 1, passed: {}, route: progress.route, image: progress.image}));
	}

	/** A new round of memoized probes: each fact is read once per round. */
	probes(): Probes {
		this.#tarballMemo ??= tarballMemo(this.paths.cache);
		return createProbes({proc: this.#proc, rootfs: this.rootfs, tarballMemo: this.#tarballMemo, layeredRoot: layeredRoot(this.paths)});
	}

	staticVariables(): StaticVariables {
		this.#static ??= staticVariables(this.rootfs, this.#route ?? 'debootstrap', this.paths, {proc: this.#proc, image: this.#store.get().image, imageLayers: this.imageLayers});
		return this.#static;
	}

	async variables(probes: Probes = this.probes()): Promise<Variables> {
		const [container, resolver, wire, sides] = await Promise.all([probes.container(), probes.resolver(), keptWireVariables(this.#store, probes, lessonLinks(this.course)), sideVariables(probes, this.isolationWatch())]);
		return {...this.staticVariables(), resolver, pid: container ? String(container.pid) : undefined, ...wire, ...sides};
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

	commandsFor(ref: StepRef, variables: Variables): FilledCommand[] {
		const {step} = requireStep(this.course, ref);
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
		return fillKnownVariables(requireStep(this.course, ref).step.hint, variables);
	}

	/** The step's command blocks for this route (blocks without a route are for every route). */
	blocksFor(step: Step) {
		return step.commands.filter(block => (!block.routes || block.routes.includes(this.#route ?? 'debootstrap')) && forHierarchy(block.cgroup, this.cgroupVersion()));
	}

	async verifyStep(ref: StepRef, probes: Probes = this.probes()): Promise<StepReport> {
		const report = await this.#judge.judged(ref, probes);
		if (report.status === 'pass') {
			this.#store.markPassed(ref);
		}

		return report;
	}

	async verify(filter: {lesson?: string; step?: string; lessons?: string[]} = {}, probes: Probes = this.probes()): Promise<Report> {
		const lessons = filter.lessons
			? selectSteps(this.course, {}).filter(({lesson}) => filter.lessons!.includes(lesson.id))
			: selectSteps(this.course, filter);
		const reports: LessonReport[] = await Promise.all(lessons.map(async ({lesson, steps}) => ({
			id: lesson.id,
			title: lesson.title,
			steps: await Promise.all(steps.map(async step => this.verifyStep({lesson: lesson.id, step: step.id}, probes))),
		})));
		const container = await probes.container();
		const all = reports.flatMap(lesson => lesson.steps);
		const count = (status: StepReport['status']) => all.filter(step => step.status === status).length;
		return {
			rootfs: this.rootfs,
			container: container ? {pid: container.pid, namespaces: container.own} : null,
			lessons: reports,
			summary: {pass: count('pass'), fail: count('fail'), skip: count('skip')},
			...(await runtimeReport(this.course, probes)),
		};
	}

	async runStep(ref: StepRef, options: {onEvent?: (event: RunEvent) => void; signal?: AbortSignal} = {}): Promise<RunResult> {
		const {step} = requireStep(this.course, ref);
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
		this.#journalNew(madeByStep(before, after, {rootfs: this.rootfs, variables: this.staticVariables()}));
		const changes = describeChanges(before, after, {rootfs: this.rootfs});
		if (!run.cancelled) {
			await this.setCurrent(report.status === 'fail' ? ref : this.next(ref) ?? ref);
		}

		return {exitCode: run.exitCode, cancelled: run.cancelled, changes, report};
	}

	/** The reference of a step of this course. */
	refOf(step: Step): StepRef {
		return refOf(this.course, step);
	}

	/** The step after this one in the course, or undefined at the very end. */
	next(ref: StepRef): StepRef | undefined {
		return nextStep(this.course, ref);
	}

	async snapshot(probes: Probes = this.probes()): Promise<Snapshot> {
		// Loaded when asked for: verify never takes a snapshot, and the fact registry is most of "what changed".
		const {takeSnapshot} = await import('./snapshot.ts');
		return takeSnapshot(probes, this.watchedPaths(), this.isolationWatch());
	}

	/** Paths "what changed" watches: the rootfs, the tarball, the source, and every file a check names. */
	watchedPaths(): string[] {
		return watchedPaths(this.course, this.staticVariables(), this.rootfs);
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
		const {readSetup} = await import('./snapshot.ts');
		return readSetup(probes, this.rootfs);
	}

	async shellCommand(): Promise<string[] | undefined> {
		const container = await this.probes().container();
		return container ? enterArgv(container.pid, ['/bin/sh', '-c', 'exec /bin/bash -i 2>/dev/null || exec /bin/sh -i']) : undefined;
	}

	// Loaded when asked for, as solve-step and diff are: reset runs commands (execa), verify never does.
	async planReset(purge: boolean): Promise<string[]> {
		const {planReset} = await import('./reset.ts');
		return planReset(this, purge);
	}

	async reset(purge: boolean) {
		const {reset} = await import('./reset.ts');
		return reset(this, purge);
	}

	/** Steps a filter names, in course order: what `solve` runs. */
	select(filter: {lesson?: string; step?: string}) {
		return selectSteps(this.course, filter);
	}

	/** Records in the journal what appeared while rootcamp ran a step, so `reset` can undo exactly that. */
	#journalNew(made: JournalEntry[]) {
		for (const entry of made) {
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

	if (options.image && store.get().image !== options.image) {
		store.update(progress => ({...progress, image: options.image}));
	}

	if (options.route) {
		engine.useRoute(options.route);
	} else if (options.needRoute && !engine.route) {
		const route = await chooseRoute();
		if (route) {
			engine.useRoute(route);
		}
	}

	engine.imageLayers = engine.route === 'image' ? await countImageLayers(store.get().image) : undefined;
	return engine;
};
