/**
 * The one byte formatter: decimal SI units, as `docker images`, apt and `ls --si` print them
 * (1 kB = 1000 bytes; `512 B`, `1.5 kB`, `12.3 MB`, `217 MB`), one decimal below 100.
 */
export function formatSize(bytes: number): string {
	const units = ['B', 'kB', 'MB', 'GB', 'TB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1000 && unit < units.length - 1) {
		value /= 1000;
		unit++;
	}

	if (unit === 0) {
		return `${bytes} B`;
	}

	return `${value < 100 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** Names joined for a sentence: `a`, `a and b`, `a, b and c`. */
export function joinWords(words: string[]): string {
	return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** The meaningful lines of a small text on one line (`nameserver 10.0.0.1; search lan`); `empty` for none. */
export function summarizeText(text: string, width = 80): string {
	const lines = text.split('\n').map(line => line.trim()).filter(line => line !== '');
	if (lines.length === 0) {
		return 'empty';
	}

	// Comments say little about what a config file does; show them only when there is nothing else.
	const meaningful = lines.filter(line => !line.startsWith('#'));
	const joined = (meaningful.length > 0 ? meaningful : lines).join('; ');
	return joined.length > width ? `${joined.slice(0, width - 1)}…` : joined;
}
