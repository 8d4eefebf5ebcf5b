import {stripVTControlCharacters} from 'node:util';
import {create} from 'xmlbuilder2';

/** One step as a grading tool sees it: a test case that passed, failed (with why) or was skipped. */
export type GradedStep = {
	lesson: string;
	step: string;
	title: string;
	status: 'pass' | 'fail' | 'skip' | 'todo';
	message?: string;
	expected?: string;
	actual?: string;
};

/**
 * Text as XML may carry it: a check's message can hold a program's colours (ANSI escapes, noise in
 * a grader) and any other character a student's rootcamp sent; XML 1.0 has no way to write NUL or
 * ESC at all, and a parser refuses the whole file over one. The escapes are dropped here, and what
 * XML still cannot hold becomes U+FFFD (the builder's `invalidCharReplacement`).
 */
const clean = (text: string): string => stripVTControlCharacters(text);

/**
 * A learner's steps as a JUnit XML report: one testsuite, one testcase per step named by its
 * `lesson/step` key (unique across the course), so CI systems and graders count each step once.
 * Built with an XML builder: names and messages are escaped by it, never pasted into markup.
 */
export const junitXml = (learner: string, steps: GradedStep[], timestamp = new Date()): string => {
	const failures = steps.filter(step => step.status === 'fail' || step.status === 'todo').length;
	const skipped = steps.filter(step => step.status === 'skip').length;
	// The XML declaration's spelling of the encoding, as the standard writes it.
	// eslint-disable-next-line unicorn/text-encoding-identifier-case
	const document = create({version: '1.0', encoding: 'UTF-8', invalidCharReplacement: '\uFFFD'});
	const suites = document.ele('testsuites', {name: 'rootcamp', tests: steps.length, failures, errors: 0, skipped});
	const suite = suites.ele('testsuite', {name: clean(learner), tests: steps.length, failures, errors: 0, skipped, timestamp: timestamp.toISOString().replace(/\.\d+Z$/, '')});
	for (const step of steps.map(step => ({
		...step,
		title: clean(step.title),
		message: step.message === undefined ? undefined : clean(step.message),
		expected: step.expected === undefined ? undefined : clean(step.expected),
		actual: step.actual === undefined ? undefined : clean(step.actual),
	}))) {
		const testcase = suite.ele('testcase', {classname: `rootcamp.${step.lesson}`, name: `${step.lesson}/${step.step}: ${step.title}`, time: 0});
		switch (step.status) {
			case 'skip': {
				testcase.ele('skipped', {message: step.message ?? 'not applicable on this host'});
				break;
			}

			case 'todo': {
				testcase.ele('failure', {message: 'not done yet', type: 'not-started'});
				break;
			}

			case 'fail': {
				const details = [step.expected === undefined ? '' : `expected: ${step.expected}`, step.actual === undefined ? '' : `actual:   ${step.actual}`].filter(Boolean).join('\n');
				testcase.ele('failure', {message: step.message ?? 'failed', type: 'check'}).txt(details);
				break;
			}

			case 'pass': {
				break;
			}
		}
	}

	return document.end({prettyPrint: true});
};
