import {mkdirSync, readFileSync, renameSync, writeFileSync} from 'node:fs';
import {dirname} from 'node:path';

/** Writes JSON so that a crash leaves either the old file or the new one, never half of one. */
export const writeJsonAtomic = (path: string, value: unknown) => {
	mkdirSync(dirname(path), {recursive: true});
	const temporary = `${path}.${process.pid}.tmp`;
	writeFileSync(temporary, `${JSON.stringify(value, null, '\t')}\n`, {mode: 0o600});
	renameSync(temporary, path);
};

/** What reading a JSON file gave: its value, nothing (no file yet), or a broken file set aside. */
export type ReadJson<T> = {value?: T; warning?: string};

/**
 * Reads a JSON file that rootcamp wrote. A file that does not parse or fails `valid` is renamed
 * to `NAME.corrupt-TIME` (kept for the learner to look at) and a warning says so: never a crash.
 */
export const readJsonOrSetAside = <T>(path: string, valid: (value: unknown) => value is T): ReadJson<T> => {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch {
		return {};
	}

	try {
		const value: unknown = JSON.parse(text);
		if (valid(value)) {
			return {value};
		}
	} catch {}

	const aside = `${path}.corrupt-${new Date().toISOString().replaceAll(/[:.]/g, '-')}`;
	try {
		renameSync(path, aside);
	} catch {}

	return {warning: `${path} was unreadable; it was set aside as ${aside} and rootcamp starts from a fresh one`};
};
