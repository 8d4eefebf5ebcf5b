import {ImageError} from './image-error.ts';

/** What a tar member is, in the words the layer planner uses. */
export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'block' | 'fifo';

/** One member of a layer tar, its header decoded (pax and GNU long names applied). */
export type TarEntry = {
	/** The name as written in the archive (not yet normalized). */
	name: string;
	type: EntryType;
	/** Permission bits with setuid, setgid and sticky (07777). */
	mode: number;
	uid: number;
	gid: number;
	size: number;
	/** Seconds since the epoch. */
	mtime: number;
	/** The target of a symbolic or hard link. */
	linkname: string;
	devmajor: number;
	devminor: number;
	/** Extended attributes (pax `SCHILY.xattr.NAME`, as GNU tar, Go and so umoci and Docker write them), values as raw bytes. */
	xattrs: Array<[string, Buffer]>;
};

export const block = 512;
const xattrPrefix = 'SCHILY.xattr.';

const typeOf: Record<string, EntryType> = {
	0: 'file', '\0': 'file', 7: 'file', 1: 'hardlink', 2: 'symlink', 3: 'char', 4: 'block', 5: 'dir', 6: 'fifo',
};

export const text = (header: Buffer, start: number, length: number) => {
	const end = header.indexOf(0, start);
	return header.toString('utf8', start, end === -1 || end > start + length ? start + length : end);
};

/** A numeric field: octal text, or GNU's base-256 (high bit set) for values octal cannot hold. */
export const number = (header: Buffer, start: number, length: number): number => {
	if ((header[start]! & 0x80) !== 0) {
		let value = header[start]! & 0x7F;
		for (let index = start + 1; index < start + length; index++) {
			value = (value * 256) + header[index]!;
		}

		return value;
	}

	const digits = text(header, start, length).trim();
	return digits === '' ? 0 : Number.parseInt(digits, 8);
};

export const checksumMatches = (header: Buffer): boolean => {
	let sum = 8 * 32;
	for (let index = 0; index < block; index++) {
		sum += index >= 148 && index < 156 ? 0 : header[index]!;
	}

	return sum === number(header, 148, 8);
};

/** The records of a pax extended header (`LEN key=value\n` …), each value as raw bytes (an xattr's may be binary). */
export const paxRecords = (data: Buffer): Map<string, Buffer> => {
	const records = new Map<string, Buffer>();
	let offset = 0;
	while (offset < data.length) {
		const space = data.indexOf(0x20, offset);
		const length = Number.parseInt(data.toString('latin1', offset, space), 10);
		if (space === -1 || !Number.isInteger(length) || length <= 0 || offset + length > data.length) {
			throw new ImageError('a damaged pax header');
		}

		const equals = data.indexOf(0x3D, space + 1);
		records.set(data.toString('utf8', space + 1, equals), data.subarray(equals + 1, offset + length - 1));
		offset += length;
	}

	return records;
};

/** Receives what the parser reads: an entry's header, then its content in chunks, then its end. */
export type EntrySink = {
	entry(entry: TarEntry): void;
	data(chunk: Buffer): void;
	end(): void;
};

/**
 * A streaming tar reader (ustar, GNU and pax): fed chunks as they arrive, it calls the sink for
 * each member, so a layer is read once and never held whole in memory. `finish` throws when the
 * archive stopped part-way (a truncated layer).
 */
export class TarParser {
	#pending: Buffer = Buffer.alloc(0);
	/** Bytes of the current member's content still to pass on, then its padding to skip. */
	#left = 0;
	#padding = 0;
	#meta: 'x' | 'g' | 'L' | 'K' | undefined;
	#metaData: Buffer[] = [];
	#pax = new Map<string, Buffer>();
	#longName: string | undefined;
	#longLink: string | undefined;
	#ended = false;
	#inEntry = false;
	constructor(readonly sink: EntrySink, readonly what: string) {}

	push(chunk: Buffer) {
		let data = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk]) : chunk;
		this.#pending = Buffer.alloc(0);
		while (data.length > 0 && !this.#ended) {
			if (this.#left > 0) {
				const take = Math.min(this.#left, data.length);
				this.#content(data.subarray(0, take));
				this.#left -= take;
				data = data.subarray(take);
				if (this.#left === 0) {
					this.#endMember();
				}

				continue;
			}

			if (this.#padding > 0) {
				const skip = Math.min(this.#padding, data.length);
				this.#padding -= skip;
				data = data.subarray(skip);
				continue;
			}

			if (data.length < block) {
				this.#pending = Buffer.from(data);
				return;
			}

			this.#header(data.subarray(0, block));
			data = data.subarray(block);
		}
	}

	/**
	 * The archive's bytes are all read: it must not end inside a member's header or content. A
	 * missing end-of-archive marker, or missing padding after the last content, is accepted, as
	 * Go's archive/tar (and so umoci and Docker) accept it: umoci 0.4's `insert` writes such layers.
	 */
	finish() {
		if (this.#left > 0 || this.#pending.length > 0 || this.#meta) {
			throw new ImageError(`${this.what} is truncated: it ends in the middle of a member`);
		}
	}

	#content(chunk: Buffer) {
		if (this.#meta) {
			this.#metaData.push(Buffer.from(chunk));
		} else {
			this.sink.data(chunk);
		}
	}

	#endMember() {
		this.#padding = (block - (this.#size % block)) % block;
		if (this.#meta) {
			const data = Buffer.concat(this.#metaData);
			switch (this.#meta) {
				case 'x': {
					this.#pax = paxRecords(data);
					break;
				}

				case 'g': {
					// A global pax header names no member's path or owner in a layer: read and dropped.
					break;
				}

				case 'L': {
					this.#longName = data.toString('utf8').replace(/\0.*$/s, '');

					break;
				}

				default: {
					this.#longLink = data.toString('utf8').replace(/\0.*$/s, '');
				}
			}

			this.#meta = undefined;
			this.#metaData = [];
		} else if (this.#inEntry) {
			this.#inEntry = false;
			this.sink.end();
		}
	}

	#size = 0;

	#header(header: Buffer) {
		if (header.every(byte => byte === 0)) {
			// The end-of-archive marker (two zero blocks; one is enough to stop).
			this.#ended = true;
			return;
		}

		if (!checksumMatches(header)) {
			throw new ImageError(`${this.what} is corrupt: a tar header's checksum does not match`);
		}

		const flag = String.fromCodePoint(header[156]!);
		this.#size = number(header, 124, 12);
		if (flag === 'x' || flag === 'L' || flag === 'K' || flag === 'g') {
			this.#meta = flag;
			this.#left = this.#size;
			if (this.#left === 0) {
				this.#endMember();
			}

			return;
		}

		const type = typeOf[flag];
		if (!type) {
			throw new ImageError(`${this.what} has a tar member of a type rootcamp cannot apply ("${flag}")`);
		}

		const ustar = header.toString('latin1', 257, 262) === 'ustar';
		const prefix = ustar ? text(header, 345, 155) : '';
		const shortName = prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100);
		const pax = new Map([...this.#pax].map(([key, value]) => [key, value.toString('utf8')]));
		const size = pax.has('size') ? Number(pax.get('size')) : this.#size;
		const entry: TarEntry = {
			name: pax.get('path') ?? this.#longName ?? shortName,
			type,
			mode: number(header, 100, 8) & 0o7777,
			uid: pax.has('uid') ? Number(pax.get('uid')) : number(header, 108, 8),
			gid: pax.has('gid') ? Number(pax.get('gid')) : number(header, 116, 8),
			size: type === 'file' ? size : 0,
			mtime: pax.has('mtime') ? Math.floor(Number(pax.get('mtime'))) : number(header, 136, 12),
			linkname: pax.get('linkpath') ?? this.#longLink ?? text(header, 157, 100),
			devmajor: ustar ? number(header, 329, 8) : 0,
			devminor: ustar ? number(header, 337, 8) : 0,
			xattrs: [...this.#pax].filter(([key]) => key.startsWith(xattrPrefix)).map(([key, value]) => [key.slice(xattrPrefix.length), Buffer.from(value)]),
		};
		this.#pax = new Map();
		this.#longName = undefined;
		this.#longLink = undefined;
		// Only regular files carry content; a hard link's size field may say the target's size.
		this.#size = entry.size;
		this.#left = entry.size;
		this.#inEntry = true;
		this.sink.entry(entry);
		if (this.#left === 0) {
			this.#endMember();
		}
	}
}
