import type {CheckKind, CheckSpec} from '../../src/lesson/types.ts';

/** Builds a CheckSpec from a check line the way a lesson's ```check block reads (`kind arg… key=value`, "quoted"). */
export function checkLine(source: string, line = 1): CheckSpec {
	const words = [...source.matchAll(/(?:[^\s"]+|"[^"]*")+/g)].map(match => match[0]);
	const [kind, ...rest] = words;
	const args: string[] = [];
	const options: Record<string, string> = {};
	for (const word of rest) {
		const equals = word.indexOf('=');
		if (equals > 0 && !word.startsWith('"')) {
			options[word.slice(0, equals)] = unquote(word.slice(equals + 1));
		} else if (/^[a-z][a-z-]*$/.test(word) && bareWords.has(word)) {
			options[word] = 'true';
		} else {
			args.push(unquote(word));
		}
	}

	return {kind: kind as CheckKind, args, options, source, line};
}

/** Words that are options, not targets (the lesson parser knows them the same way). */
const bareWords = new Set(['absent', 'up', 'down', 'if-present']);

function unquote(text: string): string {
	return text.replaceAll('"', '');
}
