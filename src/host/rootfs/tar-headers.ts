import {closeSync, openSync, readSync} from 'node:fs';

const block = 512;
// Measured on a 150 MiB minbase tarball: 64 KiB reads walk it in about half the time of 256 KiB
// (less copied past large members) or of 4 KiB (fewer reads).
const window = 64 * 1024;

/** Reads a NUL-terminated field of a tar header. */
const field = (header: Buffer, start: number, length: number) => {
	const end = header.indexOf(0, start);
	return header.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
};

/** A header's size field: octal text, or GNU's base-256 for members over 8 GiB. */
const sizeOf = (header: Buffer): number =>
	(header[124]! & 0x80) === 0
		? Number.parseInt(field(header, 124, 12).trim() || '0', 8)
		: Number(header.readBigUInt64BE(128));

const checksumMatches = (header: Buffer): boolean => {
	let sum = 8 * 32;
	for (let index = 0; index < 148; index++) {
		sum += header[index]!;
	}

	for (let index = 156; index < block; index++) {
		sum += header[index]!;
	}

	return sum === Number.parseInt(field(header, 148, 8).trim() || '-1', 8);
};

/** Reads a file through a window, so the many small members of a rootfs cost one read per window. */
class WindowReader {
	readonly #buffer = Buffer.alloc(window);
	#start = 0;
	#length = 0;
	constructor(readonly fd: number) {}

	/** `size` bytes at `offset` (fewer at the end of the file). */
	read(offset: number, size: number): Buffer {
		if (offset < this.#start || offset + size > this.#start + this.#length) {
			if (size > window) {
				const data = Buffer.alloc(size);
				return data.subarray(0, readSync(this.fd, data, 0, size, offset));
			}

			this.#start = offset;
			this.#length = readSync(this.fd, this.#buffer, 0, window, offset);
		}

		const from = offset - this.#start;
		return this.#buffer.subarray(from, Math.min(from + size, this.#length));
	}
}

/**
 * Visits the member names of an uncompressed tar file (ustar, GNU or pax), header by header,
 * seeking over large contents, without starting `tar`. Returns false for anything that is not a
 * plain tar (a compressed one, say), so the caller can ask `tar -tf`; throws when a plain tar is
 * damaged part-way.
 */
export const readTarMembers = (path: string, visit: (name: string) => void): boolean => {
	// Synchronous reads on purpose: a walk takes milliseconds, and the thread pool would cost more.
	const fd = openSync(path, 'r');
	try {
		const reader = new WindowReader(fd);
		let offset = 0;
		let longName: string | undefined;
		let first = true;
		for (;;) {
			const header = reader.read(offset, block);
			if (header.length === 0 || (header[0] === 0 && header[148] === 0)) {
				return !first || header.length > 0;
			}

			if (header.length < block || !checksumMatches(header)) {
				if (first) {
					return false;
				}

				throw new Error(`${path} is not a readable tar file: a damaged header at byte ${offset}`);
			}

			first = false;
			const type = String.fromCodePoint(header[156]!);
			const size = sizeOf(header);
			const dataStart = offset + block;
			const prefix = header.toString('latin1', 257, 262) === 'ustar' ? field(header, 345, 155) : '';
			const name = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
			offset = dataStart + Math.ceil(size / block) * block;
			if (type === 'L' || type === 'x') {
				const text = reader.read(dataStart, size).toString('utf8');
				longName = type === 'L' ? text.replace(/\0.*$/s, '') : /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text)?.[1] ?? longName;
			} else if (type !== 'g' && type !== 'K') {
				visit(longName ?? name);
				longName = undefined;
			}
		}
	} finally {
		closeSync(fd);
	}
};
