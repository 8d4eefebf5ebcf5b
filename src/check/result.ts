import type {CheckSpec} from '../lesson/types.ts';
import {namedSteps} from '../lesson/named-steps.ts';
import type {CheckResult} from './types.ts';

/** What a result says besides its status and message. */
export type Details = {expected?: string; actual?: string};

/** The message every container check gives when there is none to look into. */
export const noContainerMessage = `no container is running: start it with the ${namedSteps.container} step`;

/** A passing result for `check`. */
export function pass(check: CheckSpec, message: string, details: Details = {}): CheckResult {
	return {status: 'pass', message, ...details, check: check.source};
}

/** A failing result: `message` says what is wrong and what to do. */
export function fail(check: CheckSpec, message: string, details: Details = {}): CheckResult {
	return {status: 'fail', message, ...details, check: check.source};
}

/** A skipped result: `message` is the reason. */
export function skip(check: CheckSpec, message: string, details: Details = {}): CheckResult {
	return {status: 'skip', message, ...details, check: check.source};
}
