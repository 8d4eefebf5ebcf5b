import {readFileSync} from 'node:fs';
import type {Mount} from '../types.ts';

/** Undoes the kernel's octal escapes in mountinfo paths (`\040` is a space, `\134` a backslash). */
export function decodeMountPath(text: string): string {
	return text.replaceAll(/\\([0-7]{3})/g, (_, octal: string) => String.fromCodePoint(Number.parseInt(octal, 8)));
}

/** Parses `/proc/PID/mountinfo` text; mount points are relative to that process's root. */
export function parseMountinfo(text: string): Mount[] {
	const mounts: Mount[] = [];
	for (const line of text.split('\n')) {
		const fields = line.trim().split(' ');
		// Optional fields (shared:N, master:N …) sit between field 6 and the lone '-'.
		const dash = fields.indexOf('-', 6);
		if (dash === -1 || fields.length < dash + 3) {
			continue;
		}

		mounts.push({
			id: Number(fields[0]),
			parent: Number(fields[1]),
			target: decodeMountPath(fields[4]!),
			fstype: fields[dash + 1]!,
			source: decodeMountPath(fields[dash + 2]!),
			options: fields[5]!,
			root: decodeMountPath(fields[3]!),
			device: fields[2]!,
			...(fields[dash + 3] === undefined ? {} : {superOptions: fields[dash + 3]}),
		});
	}

	return mounts;
}

/** Reads the mount table as process `pid` sees it (paths relative to its root). */
export async function readMountinfo(pid: number | 'self', {proc = '/proc'}: {proc?: string} = {}): Promise<Mount[]> {
	// Synchronous: the kernel writes this text on the spot, with no disk to wait for.
	return parseMountinfo(readFileSync(`${proc}/${pid}/mountinfo`, 'utf8'));
}
