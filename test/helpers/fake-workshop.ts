import {fileURLToPath} from 'node:url';
import type {CheckResult, Status} from '../../src/check/types.ts';
import type {Course, Step, Variables} from '../../src/lesson/types.ts';
import type {
	Change, FilledCommand, Observation, Progress, Report, RunEvent, RunResult, SetupState, Snapshot, StepRef, StepReport, Workshop,
} from '../../src/workshop/api.ts';

/** Where the fixture course's lesson files live (the Course below mirrors them). */
const fixtureCourseDir = fileURLToPath(new URL('../fixtures/course/', import.meta.url));

const rootfs = '/srv/fixture-root';

function step(partial: Pick<Step, 'id' | 'title' | 'prose' | 'hint' | 'commands' | 'checks'> & Partial<Step>): Step {
	return {requires: [], after: [], line: 1, ...partial};
}

/** The fixture course (test/fixtures/course), built directly so UI tests never depend on the loader. */
export function fixtureCourse(): Course {
	return {
		dir: fixtureCourseDir,
		lessons: [
			{
				id: 'alpha',
				title: 'Alpha lesson',
				intro: 'The first lesson of the fixture course: two steps on the host.',
				file: `${fixtureCourseDir}01-alpha.md`,
				order: 1,
				steps: [
					step({
						id: 'one',
						title: 'Make a marker file',
						prose: 'Create **a marker file** in the rootfs, so the `file` check can see it.\nThe check reads the host\'s filesystem; nothing runs inside a container yet.',
						commands: [{where: 'host', text: 'touch {{rootfs}}/alpha-marker', startsContainer: false, inShell: false, line: 12}],
						checks: [{kind: 'file', args: ['{{rootfs}}/alpha-marker'], options: {type: 'file'}, source: 'file {{rootfs}}/alpha-marker type=file', line: 16}],
						hint: 'run `touch {{rootfs}}/alpha-marker` on the host.',
					}),
					step({
						id: 'two',
						title: 'Start the container',
						prose: 'Start a shell with its own PID and mount namespaces, rooted in the rootfs.',
						commands: [{where: 'host', text: 'unshare --fork --pid --mount-proc chroot {{rootfs}} /bin/bash', startsContainer: true, inShell: false, line: 26}],
						checks: [{kind: 'container', args: [], options: {own: 'pid,mnt'}, source: 'container own=pid,mnt', line: 30}],
						hint: 'the container must still be running: keep its shell open.',
					}),
				],
			},
			{
				id: 'beta',
				title: 'Beta lesson',
				intro: 'The second lesson of the fixture course: one step inside the container, one nobody can see.',
				file: `${fixtureCourseDir}02-beta.md`,
				order: 2,
				steps: [
					step({
						id: 'first',
						title: 'Mount proc inside',
						prose: 'Inside the container, `/proc` is still the host\'s view until you mount a fresh one.',
						commands: [{where: 'container', text: 'mount -t proc proc /proc', startsContainer: false, inShell: false, line: 12}],
						checks: [{kind: 'mount', args: ['container', '/proc'], options: {type: 'proc'}, source: 'mount container /proc type=proc', line: 16}],
						hint: 'run the mount inside the container\'s shell, not on the host.',
					}),
					step({
						id: 'second',
						title: 'Set PATH',
						prose: 'Only the shell itself knows its `PATH`.',
						commands: [{where: 'container', text: 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', startsContainer: false, inShell: false, line: 26}],
						checks: [],
						unobservable: 'PATH lives in the shell\'s memory',
						hint: 'type it in the container\'s shell.',
					}),
				],
			},
		],
	};
}

/** A run the test drives: emit events, then finish or fail it; `signal` is what Ctrl-C aborts. */
export type FakeRun = {
	ref: StepRef;
	signal: AbortSignal | undefined;
	emit(event: RunEvent): void;
	finish(result?: Partial<RunResult>): void;
	fail(error: Error): void;
};

const emptySnapshot: Snapshot = {
	container: null, containerMounts: [], hostMounts: [], hostLinks: [], containerLinks: [], files: {}, packages: [], aptLists: 0,
};

/** A Workshop over the fixture course whose answers the test sets. */
export class FakeWorkshop implements Workshop {
	readonly course = fixtureCourse();
	readonly rootfs = rootfs;
	readonly route = 'debootstrap' as const;
	saved: Progress;
	/** Status verifyStep reports per `lesson/step`; anything not listed fails (not done yet). */
	statuses = new Map<string, Status>();
	/** When set, verifyStep and verify throw it: an engine failure. */
	verifyError: Error | undefined;
	setCurrentCalls: StepRef[] = [];
	verifyStepCalls = 0;
	runs: FakeRun[] = [];
	shell: string[] | undefined;
	variableValues: Variables = {
		rootfs, tarball: '/var/tmp/ubuntu_root.tar', pid: undefined, resolver: '192.0.2.53', source: undefined, workdir: '/var/tmp', mirror: undefined, suite: undefined,
		subnet: undefined, prefix: undefined, 'host-address': undefined, 'container-address': undefined,
		cgroupfs: undefined, jail: undefined, rootless: undefined, layers: '/var/tmp/layers', lowers: '/var/tmp/layers/2:/var/tmp/layers/1', top: '2', layered: undefined, image: undefined, rootcamp: '/usr/lib/rootcamp/dist/cli.js',
	};

	setupState: SetupState = {rootfs, container: null, hostLinks: [], containerLinks: [], containerOnlyMounts: []};

	constructor(options: {progress?: Partial<Progress>; statuses?: Record<string, Status>} = {}) {
		this.saved = {version: 1, passed: {}, ...options.progress};
		for (const [key, status] of Object.entries(options.statuses ?? {})) {
			this.statuses.set(key, status);
		}
	}

	progress(): Progress {
		return structuredClone(this.saved);
	}

	async setCurrent(ref: StepRef): Promise<void> {
		this.setCurrentCalls.push(ref);
		this.saved = {...this.saved, current: ref};
	}

	async variables(): Promise<Variables> {
		return {...this.variableValues};
	}

	commandsFor(ref: StepRef, variables: Variables): FilledCommand[] {
		return this.#step(ref).commands.map(block => ({
			where: block.where,
			startsContainer: block.startsContainer,
			inShell: block.inShell,
			text: block.text.replaceAll(/{{(\w+)}}/g, (whole, name: string) => variables[name as keyof Variables] ?? whole),
		}));
	}

	/** The report verifyStep gives for a step in its current status. */
	report(ref: StepRef): StepReport {
		const step = this.#step(ref);
		const key = `${ref.lesson}/${ref.step}`;
		if (step.unobservable) {
			return {id: step.id, title: step.title, status: 'skip', message: `nothing outside the shell can observe this step: ${step.unobservable}`, checks: []};
		}

		const status = this.statuses.get(key) ?? 'fail';
		const checks: CheckResult[] = step.checks.map(check => (status === 'fail'
			? {status, check: check.source.replaceAll('{{rootfs}}', rootfs), message: 'it is not there yet', expected: 'a regular file', actual: 'nothing at that path'}
			: {status, check: check.source.replaceAll('{{rootfs}}', rootfs), message: 'as expected'}));
		const decisive = checks.find(check => check.status !== 'pass');
		return {
			id: step.id,
			title: step.title,
			status,
			message: decisive?.message ?? 'all checks pass',
			expected: decisive?.expected,
			actual: decisive?.actual,
			checks,
		};
	}

	async verifyStep(ref: StepRef): Promise<StepReport> {
		this.verifyStepCalls++;
		if (this.verifyError) {
			throw this.verifyError;
		}

		return this.report(ref);
	}

	async verify(): Promise<Report> {
		if (this.verifyError) {
			throw this.verifyError;
		}

		const lessons = this.course.lessons.map(lesson => ({
			id: lesson.id,
			title: lesson.title,
			steps: lesson.steps.map(step => this.report({lesson: lesson.id, step: step.id})),
		}));
		const all = lessons.flatMap(lesson => lesson.steps);
		const count = (status: Status) => all.filter(step => step.status === status).length;
		return {rootfs, container: null, lessons, summary: {pass: count('pass'), fail: count('fail'), skip: count('skip')}};
	}

	async runStep(ref: StepRef, options: {onEvent?: (event: RunEvent) => void; signal?: AbortSignal}): Promise<RunResult> {
		return new Promise<RunResult>((resolve, reject) => {
			let settled = false;
			const settle = (result: RunResult) => {
				if (!settled) {
					settled = true;
					resolve(result);
				}
			};

			const run: FakeRun = {
				ref,
				signal: options.signal,
				emit: event => options.onEvent?.(event),
				finish: (result = {}) => {
					settle({exitCode: 0, cancelled: false, changes: [] as Change[], report: this.report(ref), ...result});
				},
				fail(error) {
					settled = true;
					reject(error);
				},
			};
			options.signal?.addEventListener('abort', () => {
				settle({exitCode: 130, cancelled: true, changes: [], report: this.report(ref)});
			}, {once: true});
			this.runs.push(run);
		});
	}

	async snapshot(): Promise<Snapshot> {
		return structuredClone(emptySnapshot);
	}

	/** Every pair it was asked to compare, and what it answers: set `changesByHand` in a test. */
	readonly described: Array<[Snapshot, Snapshot]> = [];
	changesByHand: Change[] = [];

	async describeChanges(before: Snapshot, after: Snapshot): Promise<Change[]> {
		this.described.push([before, after]);
		return structuredClone(this.changesByHand);
	}

	async setup(): Promise<SetupState> {
		return structuredClone(this.setupState);
	}

	async observe(ref: StepRef, {snapshot = false}: {snapshot?: boolean} = {}): Promise<Observation> {
		const [report, setup, taken] = await Promise.all([this.verifyStep(ref), this.setup(), snapshot ? this.snapshot() : undefined]);
		return {report, setup, ...(taken ? {snapshot: taken} : {})};
	}

	async shellCommand(): Promise<string[] | undefined> {
		return this.shell;
	}

	#step(ref: StepRef): Step {
		const step = this.course.lessons.find(lesson => lesson.id === ref.lesson)?.steps.find(candidate => candidate.id === ref.step);
		if (!step) {
			throw new Error(`no step ${ref.lesson}/${ref.step} in the fixture course`);
		}

		return step;
	}
}
