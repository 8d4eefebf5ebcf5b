import test from 'ava';
import type {CheckSpec} from '../../src/lesson/types.ts';
import {checkLine} from './check-line.ts';

/** An ava macro over a kind's `validate`: one line per case, `undefined` when the line is valid. */
export function validates(validate: (check: CheckSpec) => string | undefined) {
	return test.macro({
		exec(t, line: string, expected: RegExp | undefined) {
			const problem = validate(checkLine(line));
			if (expected === undefined) {
				t.is(problem, undefined);
			} else {
				t.regex(problem ?? '(valid)', expected);
			}
		},
		title: (_, line: string, expected: RegExp | undefined) => `validate ${line} → ${expected === undefined ? 'ok' : expected.source}`,
	});
}
