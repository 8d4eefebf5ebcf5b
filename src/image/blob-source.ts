import {closeSync, createReadStream, openSync, readFileSync, readSync, statSync} from 'node:fs';
import {join} from 'node:path';
import {Readable} from 'node:stream';
import {ImageError} from './image-error.ts';
import {normalizeName} from './plan.ts';
import {block, checksumMatches, number, paxRecords, text} from './tar-entries.ts';

/** The files of an image, wherever they are kept: a directory, or the members of a tar file. */
export type BlobSource = {
	/** The image's path, for messages. */
	readonly path: string;
	has(name: string): boolean;
	size(name: string): number;
	/** A small file whole (a manifest, a config). */
	read(name: string): Buffer;
	/** A file's bytes as a stream (a layer). */
	stream(name: string): Readable;
};

const keyOf = (name: string) => normalizeName(name, `the image's file name "${name}"`).join('/');

/** An image kept as a directory (an OCI image layout). */
export const directorySource = (dir: string): BlobSource => {
	const at = (name: string) => join(dir, keyOf(name));
	const isFile = (name: string) => {
		try {
			return statSync(at(name)).isFile();
		} catch {
			return false;
		}
	};

	return {
		path: dir,
		has: isFile,
		size: name => statSync(at(name)).size,
		read(name) {
			if (!isFile(name)) {
				throw new ImageError(`${dir} has no ${name}`);
			}

			return readFileSync(at(name));
		},
		stream: name => createReadStream(at(name), {highWaterMark: 1024 * 1024}),
	};
};

type Member = {offset: number; size: number};

/**
 * Where each regular member of an uncompressed tar file starts and how long it is, read from the
 * headers alone (a docker-save archive's layers are read later, in place, never copied out).
 * Symbolic links between members (a docker-save archive's legacy `ID/layer.tar`) are followed once.
 */
const indexTar = (path: string): Map<string, Member> => {
	const members = new Map<string, Member>();
	const links = new Map<string, string>();
	const fd = openSync(path, 'r');
	const fileSize = statSync(path).size;
	try {
		const header = Buffer.alloc(block);
		let offset = 0;
		let longName: string | undefined;
		for (;;) {
			const read = readSync(fd, header, 0, block, offset);
			if (read === 0 || header.every(byte => byte === 0)) {
				break;
			}

			if (read < block || !checksumMatches(header)) {
				throw new ImageError(`${path} is not a readable tar file${offset === 0 ? '' : `: a damaged header at byte ${offset}`}`);
			}

			const flag = String.fromCodePoint(header[156]!);
			const size = number(header, 124, 12);
			const start = offset + block;
			offset = start + (Math.ceil(size / block) * block);
			if (start + size > fileSize) {
				throw new ImageError(`${path} is truncated: its member "${longName ?? text(header, 0, 100)}" ends past the end of the file`);
			}

			if (flag === 'L' || flag === 'x') {
				const data = Buffer.alloc(size);
				readSync(fd, data, 0, size, start);
				longName = flag === 'L' ? data.toString('utf8').replace(/\0.*$/s, '') : paxRecords(data).get('path')?.toString('utf8') ?? longName;
				continue;
			}

			const prefix = header.toString('latin1', 257, 262) === 'ustar' ? text(header, 345, 155) : '';
			const name = longName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
			longName = undefined;
			const key = normalizeName(name, `the member "${name}" of ${path}`).join('/');
			if (flag === '0' || flag === '\0') {
				members.set(key, {offset: start, size});
			} else if (flag === '2' || flag === '1') {
				const target = text(header, 157, 100);
				links.set(key, flag === '1' ? target : join(key, '..', target));
			}
		}
	} finally {
		closeSync(fd);
	}

	for (const [key, target] of links) {
		const member = members.get(keyOf(target));
		if (member) {
			members.set(key, member);
		}
	}

	return members;
};

/** An image kept as one tar file (a docker-save archive, or an OCI image layout packed with tar). */
export const tarSource = (path: string): BlobSource => {
	const members = indexTar(path);
	const member = (name: string): Member => {
		const found = members.get(keyOf(name));
		if (!found) {
			throw new ImageError(`${path} has no ${name}`);
		}

		return found;
	};

	return {
		path,
		has: name => members.has(keyOf(name)),
		size: name => member(name).size,
		read(name) {
			const {offset, size} = member(name);
			const data = Buffer.alloc(size);
			const fd = openSync(path, 'r');
			try {
				readSync(fd, data, 0, size, offset);
			} finally {
				closeSync(fd);
			}

			return data;
		},
		stream(name) {
			const {offset, size} = member(name);
			// createReadStream's end is inclusive, so an empty member cannot be said that way.
			return size === 0 ? Readable.from([]) : createReadStream(path, {start: offset, end: offset + size - 1, highWaterMark: 1024 * 1024});
		},
	};
};
