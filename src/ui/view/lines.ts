import {stripVTControlCharacters} from 'node:util';
import type {Theme, Tone} from './theme.ts';

/** A run of text in one tone, or the place where a spinner turns. */
export type Segment = {text: string; tone?: Tone} | {spinner: true};

/** One terminal row. Every section is built as rows first, so heights are known before layout. */
export type Line = Segment[];

/** A row made of plain strings and toned segments. */
export function line(...parts: Array<string | Segment | undefined | false>): Line {
	const segments: Line = [];
	for (const part of parts) {
		if (part === undefined || part === false || part === '') {
			continue;
		}

		segments.push(typeof part === 'string' ? {text: part} : part);
	}

	return segments;
}

/** A segment in a tone. */
export function toned(tone: Tone, text: string): Segment {
	return {text, tone};
}

/** The row as a string, coloured by the theme; a spinner becomes `*` (logs have no animation). */
export function lineToString(row: Line, theme: Theme): string {
	return row.map(segment => ('spinner' in segment ? '*' : theme.paint(segment.tone, segment.text))).join('');
}

/** The row's text without styles. */
export function lineText(row: Line): string {
	return row.map(segment => ('spinner' in segment ? '*' : segment.text)).join('');
}

/** Columns a string occupies, ignoring escape codes. */
export function visibleWidth(text: string): number {
	return [...stripVTControlCharacters(text)].length;
}

/** Cuts plain text to `width` columns, marking the cut with `…`. */
export function truncate(text: string, width: number): string {
	const chars = [...text];
	if (chars.length <= width) {
		return text;
	}

	return width <= 1 ? chars.slice(0, width).join('') : `${chars.slice(0, width - 1).join('')}…`;
}

/** Word-wraps plain text to `width` columns; words longer than a row are split. */
export function wrapWords(text: string, width: number): string[] {
	const limit = Math.max(1, width);
	const rows: string[] = [];
	for (const paragraph of text.split('\n')) {
		let current = '';
		for (const word of paragraph.split(/ +/)) {
			let rest = word;
			while ([...rest].length > limit) {
				if (current !== '') {
					rows.push(current);
					current = '';
				}

				rows.push([...rest].slice(0, limit).join(''));
				rest = [...rest].slice(limit).join('');
			}

			if (current === '') {
				current = rest;
			} else if ([...current].length + 1 + [...rest].length <= limit) {
				current += ` ${rest}`;
			} else {
				rows.push(current);
				current = rest;
			}
		}

		rows.push(current);
	}

	return rows;
}

// eslint-disable-next-line no-control-regex
const escapePattern = /\u001B\[[0-?]*[ -/]*[@-~]|\u001B][^\u0007\u001B]*(?:\u0007|\u001B\\)|\u001B[@-Z\\-_]/y;

/**
 * Splits an already-styled row (marked-terminal output) into rows of at most `width` columns,
 * breaking between words where it can. Styles open at a break are closed and reopened, so
 * every row stands alone when the prose is scrolled.
 */
export function wrapStyled(text: string, width: number): string[] {
	const limit = Math.max(1, width);
	if (visibleWidth(text) <= limit) {
		return [text];
	}

	// Each visible character with the escapes written just before it and the styles open at it.
	const chars: Array<{char: string; before: string; open: string[]}> = [];
	let pending = '';
	let open: string[] = [];
	let index = 0;
	while (index < text.length) {
		escapePattern.lastIndex = index;
		const match = escapePattern.exec(text);
		if (match) {
			pending += match[0];
			// eslint-disable-next-line no-control-regex -- ESC starts the SGR code this matches
			if (/^\u001B\[0?m$/.test(match[0])) {
				open = [];
			} else if (match[0].startsWith('\u001B[') && match[0].endsWith('m')) {
				open = [...open, match[0]];
			}

			index += match[0].length;
			continue;
		}

		const char = String.fromCodePoint(text.codePointAt(index)!);
		chars.push({char, before: pending, open});
		pending = '';
		index += char.length;
	}

	const ranges: Array<[number, number]> = [];
	let start = 0;
	while (start < chars.length) {
		if (chars.length - start <= limit) {
			ranges.push([start, chars.length]);
			break;
		}

		let space = -1;
		for (let position = start + limit; position > start; position--) {
			if (chars[position]?.char === ' ') {
				space = position;
				break;
			}
		}

		if (space > start) {
			ranges.push([start, space]);
			start = space + 1;
		} else {
			ranges.push([start, start + limit]);
			start += limit;
		}
	}

	return ranges.map(([from, to], rowIndex) => {
		let row = '';
		for (let position = from; position < to; position++) {
			const item = chars[position]!;
			row += position === from && rowIndex > 0 ? item.open.join('') : item.before;
			row += item.char;
		}

		const isLast = rowIndex === ranges.length - 1;
		if (isLast) {
			row += pending;
		} else if ((chars[to - 1]?.open.length ?? 0) > 0) {
			row += '\u001B[0m';
		}

		return row;
	});
}

/**
 * Folds a long shell command at spaces outside quotes with ` \` continuations, so the
 * folded text, copied from the terminal, is still the same command. A line that cannot be
 * folded safely (a heredoc, quotes spanning the whole line) is returned as is.
 */
export function foldCommand(command: string, width: number): string[] {
	if ([...command].length <= width || width < 20 || command.includes('<<') || command.trimEnd().endsWith('\\')) {
		return [command];
	}

	// Positions of spaces that separate words at the top level (not inside quotes or after `\`).
	const breaks: number[] = [];
	let quote: string | undefined;
	for (let index = 0; index < command.length; index++) {
		const char = command[index]!;
		if (quote) {
			if (char === quote) {
				quote = undefined;
			} else if (char === '\\' && quote === '"') {
				index++;
			}
		} else if (char === '\\') {
			index++;
		} else if (char === '\'' || char === '"') {
			quote = char;
		} else if (char === ' ' && index > 0 && command[index - 1] !== ' ') {
			breaks.push(index);
		}
	}

	const indent = '  ';
	const rows: string[] = [];
	let start = 0;
	let first = true;
	while (start < command.length) {
		const lead = first ? '' : indent;
		const room = width - lead.length - 2; // Two columns for the ` \`.
		const rest = command.slice(start);
		if (lead.length + rest.length <= width) {
			rows.push(lead + rest);
			break;
		}

		const from = start;
		const cut = breaks.findLast(position => position > from && position - from <= room) ?? breaks.find(position => position > from);
		if (cut === undefined) {
			rows.push(lead + rest);
			break;
		}

		rows.push(`${lead}${command.slice(start, cut)} \\`);
		start = cut + 1;
		while (command[start] === ' ') {
			start++;
		}

		first = false;
	}

	return rows;
}

/** `0.4s`, `12s`, `1m 05s`: short enough for a status row. */
export function formatDuration(ms: number): string {
	if (ms < 10_000) {
		return `${(ms / 1000).toFixed(1)}s`;
	}

	const seconds = Math.floor(ms / 1000);
	if (seconds < 60) {
		return `${seconds}s`;
	}

	return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}
