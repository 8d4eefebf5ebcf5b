import {closeSync, constants, fstatSync, lstatSync, openSync, readFileSync, readlinkSync, readSync, realpathSync} from 'node:fs';
import type {FileFact} from '../types.ts';

/** Files up to this size carry their text as `preview`, so "what changed" can quote them. */
const previewLimit = 1024;

/** Text is read up to this size: checks match lines of config files, not of disk images. */
const textLimit = 1024 * 1024;

/**
 * Describes a path without following a final symlink; null when nothing is there. Synchronous,
 * like every host fact: a trip through the thread pool costs more than a cached lstat, and most
 * after the machine has idled (CONTRIBUTORS.md, "Keeping rootcamp fast").
 */
export async function fileFact(path: string): Promise<FileFact | null> {
	let stats;
	try {
		stats = lstatSync(path);
	} catch (error) {
		if (isMissing(error)) {
			return null;
		}

		throw error;
	}

	const fact: FileFact = {type: typeOf(stats), mode: formatMode(stats.mode), size: stats.size};
	if (fact.type === 'symlink') {
		fact.target = readlinkSync(path);
	}

	if (fact.type === 'other') {
		fact.special = specialOf(stats);
		if (stats.isCharacterDevice() || stats.isBlockDevice()) {
			fact.rdev = formatDevice(stats.rdev);
		}
	}

	if (fact.type === 'file' && stats.size <= previewLimit) {
		const text = await readText(path);
		if (text !== null && !text.includes('\0')) {
			fact.preview = text;
		}
	}

	return fact;
}

/** The path with every symlink resolved (realpath(3)); the path as given when that fails. */
export function realPathOrSame(path: string): string {
	try {
		return realpathSync.native(path);
	} catch {
		return path;
	}
}

/** A whole small file's text (a config file), or '' when it cannot be read. */
export function readOrEmpty(path: string): string {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return '';
	}
}

/** Reads a text file (its first MiB); null when it is missing or not a regular file. */
export async function readText(path: string): Promise<string | null> {
	let fd;
	try {
		// O_NONBLOCK: opening a FIFO someone left in a rootfs must not hang the check.
		fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
	} catch (error) {
		if (isMissing(error)) {
			return null;
		}

		throw error;
	}

	try {
		const stats = fstatSync(fd);
		if (!stats.isFile()) {
			return null;
		}

		const length = Math.min(stats.size, textLimit);
		const buffer = Buffer.alloc(length);
		const bytesRead = length === 0 ? 0 : readSync(fd, buffer, 0, length, 0);
		return buffer.subarray(0, bytesRead).toString('utf8');
	} finally {
		closeSync(fd);
	}
}

/** Permission bits with setuid, setgid and sticky, as four octal digits (`1777`). */
export function formatMode(mode: number): string {
	return (mode & 0o7777).toString(8).padStart(4, '0');
}

/**
 * A device number as `MAJOR:MINOR`, split as glibc's major() and minor() do: the low 8 bits and
 * bits 20 and up are the minor, bits 8 to 19 and 32 and up the major.
 */
export function formatDevice(rdev: number): string {
	const low = rdev % 2 ** 32;
	const high = Math.floor(rdev / 2 ** 32);
	const major = (Math.floor(low / 2 ** 8) % 2 ** 12) + ((high - (high % 2 ** 12)));
	const minor = (low % 2 ** 8) + (Math.floor(low / 2 ** 20) * 2 ** 8) + ((high % 2 ** 12) * 2 ** 20);
	return `${major}:${minor}`;
}

function specialOf(stats: {isCharacterDevice(): boolean; isBlockDevice(): boolean; isFIFO(): boolean}): NonNullable<FileFact['special']> {
	if (stats.isCharacterDevice()) {
		return 'char';
	}

	if (stats.isBlockDevice()) {
		return 'block';
	}

	return stats.isFIFO() ? 'fifo' : 'socket';
}

function typeOf(stats: {isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean}): FileFact['type'] {
	if (stats.isSymbolicLink()) {
		return 'symlink';
	}

	if (stats.isDirectory()) {
		return 'dir';
	}

	return stats.isFile() ? 'file' : 'other';
}

function isMissing(error: unknown): boolean {
	const {code} = (error as NodeJS.ErrnoException);
	// ENOTDIR: a parent is a file, so the path cannot exist.
	return code === 'ENOENT' || code === 'ENOTDIR';
}
