import {checkKinds, type CheckKind, type CheckSpec} from './types.ts';

/** Bare words that are flags (`word=true`), not positional arguments. */
const flagWords = new Set(['absent', 'up', 'down', 'if-present']);

/** Splits a check line into words; double quotes group, `\"` escapes a quote, other backslashes stay (regexes). */
export const splitWords = (line: string): string[] | {error: string} => {
	const words: string[] = [];
	let word = '';
	let inWord = false;
	let quoted = false;
	for (let index = 0; index < line.length; index++) {
		const char = line[index]!;
		if (quoted) {
			if (char === '\\' && line[index + 1] === '"') {
				word += '"';
				index++;
			} else if (char === '"') {
				quoted = false;
			} else {
				word += char;
			}
		} else if (char === '"') {
			quoted = true;
			inWord = true;
		} else if (/\s/.test(char)) {
			if (inWord) {
				words.push(word);
			}

			word = '';
			inWord = false;
		} else {
			word += char;
			inWord = true;
		}
	}

	if (quoted) {
		return {error: 'a double quote is not closed'};
	}

	if (inWord) {
		words.push(word);
	}

	return words;
};

const isCheckKind = (word: string): word is CheckKind => (checkKinds as readonly string[]).includes(word);

/** Parses one check line (`kind target… key=value…`); an error says what is wrong with it. */
export const parseCheckLine = (source: string, line: number): CheckSpec | {error: string} => {
	const words = splitWords(source.trim());
	if ('error' in words) {
		return words;
	}

	const [kind, ...rest] = words;
	if (kind === undefined) {
		return {error: 'empty check line'};
	}

	if (!isCheckKind(kind)) {
		return {error: `unknown check kind "${kind}" (known: ${checkKinds.join(', ')})`};
	}

	const args: string[] = [];
	const options: Record<string, string> = {};
	for (const word of rest) {
		const equals = word.indexOf('=');
		if (equals > 0 && !word.includes(' ')) {
			options[word.slice(0, equals)] = word.slice(equals + 1);
		} else if (flagWords.has(word)) {
			options[word] = 'true';
		} else {
			args.push(word);
		}
	}

	return {kind, args, options, source: source.trim(), line};
};
