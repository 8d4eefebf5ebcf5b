/** Bytes in the units `ls -h` would pick (`207 MB`, `1.5 KB`, `12 bytes`). */
export function formatSize(bytes: number): string {
	const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
	let value = bytes;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}

	if (unit === 0) {
		return bytes === 1 ? '1 byte' : `${bytes} bytes`;
	}

	return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
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
