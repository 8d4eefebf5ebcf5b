/**
 * The words of the file check: what it expected and what it found, a type and a mode as a
 * learner reads them, and the data the check judges (read by file.ts).
 */
import type {CheckSpec} from '../../lesson/types.ts';
import type {Entry} from '../../host/rootfs/entries.ts';
import type {FileFact} from '../../host/types.ts';
import {summarizeText} from '../format.ts';
import {flag} from '../options.ts';

/** What the file check needs, read without ever leaving the rootfs through a symlink. */
export type FileData = {
	path: string;
	/** The rootfs when the path lies inside it; undefined for a host path. */
	rootfs?: string;
	/** The path as the container sees it (the host path itself outside the rootfs). */
	inside: string;
	/** The path itself (a final symlink described, not followed). */
	fact: FileFact | null;
	/** Where a symlink leads, resolved inside the rootfs. */
	target?: {inside: string; fact: FileFact | null; loop?: boolean};
	/** The text at the end of the path, when lines must be matched. */
	text?: string | null;
	/** The host's upstream resolver, read only for a resolv.conf (to name it in messages). */
	resolver?: string;
	/** A directory's entries, read only for `no-block`. */
	entries?: Entry[] | null;
};

export function where(data: FileData): string {
	return data.rootfs === undefined ? 'on the host' : 'inside the container';
}

export function normalizeMode(mode: string | undefined): string | undefined {
	return mode === undefined ? undefined : mode.padStart(4, '0');
}

export function typeName(fact: FileFact): string {
	if (fact.type === 'other' && fact.special !== undefined) {
		return {char: 'character device', block: 'block device', fifo: 'FIFO', socket: 'socket'}[fact.special];
	}

	return {file: 'regular file', dir: 'directory', symlink: 'symlink', other: 'special file'}[fact.type];
}

export function wantedName(type: string): string {
	return {file: 'file', dir: 'directory', symlink: 'symlink', char: 'character device', block: 'block device'}[type] ?? type;
}

export function isDevice(type: string | undefined): type is 'char' | 'block' {
	return type === 'char' || type === 'block';
}

export function isType(fact: FileFact, type: string): boolean {
	return isDevice(type) ? fact.type === 'other' && fact.special === type : fact.type === type;
}

/** The mknod line that makes the node the check describes (mode 666 unless it names one). */
export function mknod(check: CheckSpec, data: FileData): string {
	const [major, minor] = (check.options.dev ?? 'MAJOR:MINOR').split(':');
	return `mknod -m ${check.options.mode ?? '666'} ${data.inside} ${check.options.type === 'block' ? 'b' : 'c'} ${major} ${minor}`;
}

export function typeProblem(check: CheckSpec, data: FileData, effective: FileFact): string {
	const wantedType = check.options.type!;
	const head = `${data.path} is a ${typeName(effective)}, expected a ${wantedType === 'file' ? 'regular file' : wantedName(wantedType)}`;
	if (isDevice(wantedType) && effective.type === 'file') {
		// The classic trap: `> /dev/null` before the node exists creates an ordinary file there.
		return `${head}: something wrote to ${data.inside} before the device node existed, which creates an ordinary file; ${where(data)} run rm ${data.inside}; ${mknod(check, data)}`;
	}

	return isDevice(wantedType) ? `${head}: ${where(data)} run rm -r ${data.inside}; ${mknod(check, data)}` : head;
}

export function summarizeNames(names: string[]): string {
	return names.length > 6 ? `${names.slice(0, 6).join(', ')} and ${names.length - 6} more` : names.join(', ');
}

export function describeExpected(check: CheckSpec): string {
	if (flag(check, 'absent')) {
		return 'absent';
	}

	const parts = [check.options.type ?? 'exists'];
	if (check.options.dev !== undefined) {
		parts.push(`device ${check.options.dev}`);
	}

	if (flag(check, 'no-block')) {
		parts.push('no block devices');
	}

	if (check.options.mode !== undefined) {
		parts.push(`mode ${normalizeMode(check.options.mode)}`);
	}

	if (check.options.match !== undefined) {
		parts.push(`a line matching /${check.options.match}/`);
	}

	if (check.options['not-match'] !== undefined) {
		parts.push(`no line matching /${check.options['not-match']}/`);
	}

	return parts.join(', ');
}

export function describeActual(data: FileData): string {
	const {fact, target} = data;
	if (fact === null) {
		return 'missing';
	}

	if (fact.type === 'symlink') {
		const dangling = data.rootfs === undefined ? 'dangling' : 'dangling in the rootfs';
		const end = target?.loop ? 'a loop' : (target?.fact ? `${target.fact.type}, mode ${target.fact.mode}` : dangling);
		return `symlink → ${fact.target} (${end})`;
	}

	const parts: string[] = [fact.type === 'other' ? `${fact.special ?? 'special'}${fact.rdev === undefined ? '' : ` ${fact.rdev}`}` : fact.type, `mode ${fact.mode}`];
	const blocks = (data.entries ?? []).filter(entry => entry.fact.special === 'block');
	if (data.entries !== undefined && data.entries !== null) {
		parts.push(blocks.length === 0 ? `${data.entries.length} entries, no block devices` : `block devices: ${summarizeNames(blocks.map(entry => entry.name))}`);
	}

	if (data.text !== undefined && data.text !== null) {
		parts.push(summarizeText(data.text));
	}

	return parts.join(', ');
}
