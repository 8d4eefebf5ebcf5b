import {join} from 'node:path';
import type {Progress, StepRef} from './api.ts';
import {readJsonOrSetAside, writeJsonAtomic} from './atomic-file.ts';

const isProgress = (value: unknown): value is Progress =>
	typeof value === 'object' && value !== null
	&& (value as Progress).version === 1
	&& typeof (value as Progress).passed === 'object' && (value as Progress).passed !== null;

/** A new learner's progress. */
const emptyProgress = (): Progress => ({version: 1, passed: {}});

/** `lesson/step`, the key progress and reports use. */
export const stepKey = (ref: StepRef) => `${ref.lesson}/${ref.step}`;

/** The learner's progress, saved atomically in the state directory after every change. */
export class ProgressStore {
	readonly path: string;
	readonly warning?: string;
	#progress: Progress;

	constructor(stateDir: string) {
		this.path = join(stateDir, 'progress.json');
		const read = readJsonOrSetAside(this.path, isProgress);
		this.#progress = read.value ?? emptyProgress();
		this.warning = read.warning;
	}

	get(): Progress {
		return this.#progress;
	}

	/** Re-reads the file: another rootcamp (a `solve` in a second terminal) may have moved on. */
	reload(): Progress {
		this.#progress = readJsonOrSetAside(this.path, isProgress).value ?? this.#progress;
		return this.#progress;
	}

	update(change: (progress: Progress) => Progress) {
		this.#progress = change(this.reload());
		writeJsonAtomic(this.path, this.#progress);
	}

	/** Marks a step passed the first time it is seen passing; later passes keep the first time. */
	markPassed(ref: StepRef) {
		if (!this.#progress.passed[stepKey(ref)]) {
			this.update(progress => ({...progress, passed: {...progress.passed, [stepKey(ref)]: new Date().toISOString()}}));
		}
	}
}
