import {readJsonOrSetAside, writeJsonAtomic} from '../../workshop/atomic-file.ts';
import type {Report, StepReport, StepRef} from '../../workshop/api.ts';
import type {ClassState} from '../protocol.ts';
import {classroomFiles, readMembership, type ClassroomFiles, type Membership} from './membership.ts';
import {eventQueue, type NewEvent} from './queue.ts';
import {deliver, type Delivery} from './sender.ts';
import {watchClassState} from './state-stream.ts';

type Sent = Record<string, string>;
const isSent = (value: unknown): value is Sent => typeof value === 'object' && value !== null;

/** The schema's limits: a long message is cut rather than refused (a refused batch would be lost). */
const cut = (text: string | undefined, max = 500) => (text && text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The verdict event of a step: a failure names its first failing check, what it expected and saw. */
const verdictEvent = (lesson: string, step: StepReport): NewEvent => {
	const failing = step.checks.find(check => check.status === 'fail' && !check.advice);
	return {
		kind: 'verdict', lesson, step: step.id, status: step.status,
		...(step.status === 'pass' ? {} : {check: cut(failing?.check, 200), message: cut(step.message), expected: cut(step.expected), actual: cut(step.actual)}),
	};
};

/**
 * What the workshop's commands tell the classroom, when the learner joined one: events go to the
 * on-disk queue at once (nothing is lost if rootcamp is killed next), and `send` delivers them
 * within a short time, so the learner's work never waits on the network.
 */
export type Reporter = {
	readonly membership: Membership;
	/** Queues "step opened" when `ref` is not the step last reported open (a verify of the same step again says nothing new). */
	stepOpened(ref: StepRef): void;
	/**
	 * Queues the verdicts that changed since the last ones queued, and the verdict of `attempted`
	 * (the step the learner just tried) always, marked as an attempt: a failure repeated unchanged
	 * is still a try, and the classroom counts tries. Returns how many were queued.
	 */
	verdicts(report: Pick<Report, 'lessons'>, attempted?: StepRef): number;
	/** The step last reported open, if any: where a whole-course verify finds the learner. */
	current(): StepRef | undefined;
	hint(ref: StepRef): void;
	help(ref?: StepRef): void;
	heartbeat(): void;
	reset(result: {left: string[]}): void;
	send(timeoutMs?: number): Promise<Delivery>;
	/** Follows the class state live until the returned function is called. */
	watchState(onState: (state: ClassState) => void): () => void;
};

export const openReporter = (files: ClassroomFiles = classroomFiles()): Reporter | undefined => {
	const membership = readMembership(files);
	if (!membership) {
		return undefined;
	}

	const queue = eventQueue(files.queue);
	return {
		membership,
		stepOpened(ref) {
			const sent = readJsonOrSetAside(files.verdicts, isSent).value ?? {};
			const key = `${ref.lesson}/${ref.step}`;
			if (sent['@current'] !== key) {
				queue.add([{kind: 'step-opened', ...ref}]);
				writeJsonAtomic(files.verdicts, {...sent, '@current': key});
			}
		},
		verdicts(report, attempted) {
			const sent = readJsonOrSetAside(files.verdicts, isSent).value ?? {};
			const changed: NewEvent[] = [];
			const tried = attempted ? `${attempted.lesson}/${attempted.step}` : undefined;
			for (const lesson of report.lessons) {
				for (const step of lesson.steps) {
					const event = verdictEvent(lesson.id, step);
					const key = `${lesson.id}/${step.id}`;
					const said = JSON.stringify([event.status, event.check, event.message]);
					if (key === tried) {
						sent[key] = said;
						changed.push({...event, attempt: true});
					} else if (sent[key] !== said) {
						sent[key] = said;
						changed.push(event);
					}
				}
			}

			if (changed.length > 0) {
				queue.add(changed);
				writeJsonAtomic(files.verdicts, sent);
			}

			return changed.length;
		},
		current() {
			const [lesson, step] = (readJsonOrSetAside(files.verdicts, isSent).value?.['@current'] ?? '').split('/');
			return lesson && step ? {lesson, step} : undefined;
		},
		hint(ref) {
			queue.add([{kind: 'hint', ...ref}]);
		},
		help(ref) {
			queue.add([{kind: 'help', ...ref}]);
		},
		heartbeat() {
			queue.add([{kind: 'heartbeat'}]);
		},
		reset({left}) {
			queue.add([{kind: 'reset', clean: left.length === 0, left: left.slice(0, 50).map(text => cut(text, 200)!)}]);
		},
		send: async (timeoutMs = 1000) => deliver(files, membership, timeoutMs),
		watchState: onState => watchClassState(files, membership, onState),
	};
};

/** The step a whole-course verify finds the learner on: the first one that does not pass yet. */
export const firstUnpassed = (report: Pick<Report, 'lessons'>): StepRef | undefined => {
	for (const lesson of report.lessons) {
		const step = lesson.steps.find(candidate => candidate.status === 'fail');
		if (step) {
			return {lesson: lesson.id, step: step.id};
		}
	}

	return undefined;
};
