import {checkKinds, type CheckKind, type CheckSpec} from './types.ts';

/** Bare words that are flags (`word=true`), not positional arguments. */
const flagWords = new Set(['absent', 'up', 'down', 'if-present', 'no-block', 'shell', 'answers', 'isolated', 'clean', 'no-new-privs', 'masked']);

/** A word of a check line; `key` is set when it was written `key=value` with the key unquoted. */
type Word = {text: string; key?: string};

/** Splits a check line into words; double quotes group, `\"` escapes a quote, other backslashes stay (regexes). */
const splitWords = (line: string): Word[] | {error: string} => {
	const words: Word[] = [];
	let word = '';
	let key: string | undefined;
	let inWord = false;
	let quoted = false;
	let sawQuote = false;
	const finish = () => {
		words.push(key === undefined ? {text: word} : {text: word.slice(key.length + 1), key});
		word = '';
		key = undefined;
		inWord = false;
		sawQuote = false;
	};

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
			sawQuote = true;
			inWord = true;
		} else if (/\s/.test(char)) {
			if (inWord) {
				finish();
			}
		} else {
			if (char === '=' && key === undefined && !sawQuote && word.length > 0) {
				key = word;
			}

			word += char;
			inWord = true;
		}
	}

	if (quoted) {
		return {error: 'a double quote is not closed'};
	}

	if (inWord) {
		finish();
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

	const [first, ...rest] = words;
	const kind = first?.text;
	if (kind === undefined) {
		return {error: 'empty check line'};
	}

	if (!isCheckKind(kind)) {
		return {error: `unknown check kind "${kind}" (known: ${checkKinds.join(', ')})`};
	}

	const args: string[] = [];
	const options: Record<string, string> = {};
	let advice = false;
	for (const word of rest) {
		if (word.key === undefined && word.text === 'advice') {
			advice = true;
		} else if (word.key !== undefined) {
			options[word.key] = word.text;
		} else if (flagWords.has(word.text)) {
			options[word.text] = 'true';
		} else {
			args.push(word.text);
		}
	}

	return {kind, args, options, source: source.trim(), line, ...(advice ? {advice: true} : {})};
};
