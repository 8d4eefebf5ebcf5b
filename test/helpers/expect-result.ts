import type {ExecutionContext} from 'ava';
import type {CheckResult} from '../../src/check/types.ts';

/** What a test expects of a CheckResult: fields compared as given, the message by pattern. */
export type Expected = Omit<Partial<CheckResult>, 'message'> & {message?: RegExp};

/** Compares a result with what the test expects, logging the message so a run shows what learners read. */
export function expectResult(t: ExecutionContext, result: CheckResult, expected: Expected): void {
	t.log(result.message);
	const {message, ...fields} = expected;
	t.like(result, fields);
	if (message !== undefined) {
		t.regex(result.message, message);
	}
}
