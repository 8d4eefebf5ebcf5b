import {parseCheckLine} from '../../src/lesson/check-line.ts';
import type {CheckSpec} from '../../src/lesson/types.ts';

/** A CheckSpec exactly as the lesson parser reads the line; a line it rejects fails the test loudly. */
export function checkLine(source: string, line = 1): CheckSpec {
	const parsed = parseCheckLine(source, line);
	if ('error' in parsed) {
		throw new Error(`bad check line in a test: ${source}: ${parsed.error}`);
	}

	return parsed;
}
