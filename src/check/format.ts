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
