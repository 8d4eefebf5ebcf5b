import {spawnSync} from 'node:child_process';
import {
	chmodSync, closeSync, constants, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync, lutimesSync, mkdirSync, openSync, rmSync, symlinkSync, writeSync, chownSync, utimesSync,
} from 'node:fs';
import {join} from 'node:path';
import {ImageError} from './image-error.ts';
import type {Meta, Op} from './plan.ts';

const createFlags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** Runs a tool that Node has no call for (mknod, setfattr); its failure is the image's to report. */
const run = (command: string, args: string[]) => {
	const result = spawnSync(command, args, {encoding: 'utf8'});
	if (result.error ?? result.status !== 0) {
		throw new ImageError(`${command} ${args.join(' ')} failed: ${result.error?.message ?? result.stderr.trim()}`);
	}
};

/** An entry's extended attributes, set without following a link (Node has no setxattr: setfattr, from attr). */
const setXattrs = (path: string, meta: Meta) => {
	for (const [name, value] of meta.xattrs ?? []) {
		run('setfattr', ['-h', '-n', name, '-v', `0s${value.toString('base64')}`, path]);
	}
};

/**
 * Writes what the planner decided into a fresh directory, with synchronous calls between the
 * chunks of the layer stream: the plan has already refused every path through a link, so each
 * call here is on a path the plan made. Directories get their times last, once nothing more is
 * written into them. Owners are set only as root, as tar does.
 */
export class TreeWriter {
	#fd: number | undefined;
	#pending: {path: string; meta: Meta} | undefined;
	readonly #dirTimes: Array<{path: string; mtime: number}> = [];
	readonly #root = process.getuid?.() === 0;
	/** Bytes written so far, for progress. */
	written = 0;
	constructor(readonly top: string) {}

	apply(op: Op) {
		const path = join(this.top, op.path);
		switch (op.op) {
			case 'remove': {
				rmSync(path, {recursive: true, force: true});
				break;
			}

			case 'mkdir': {
				if (!op.exists) {
					mkdirSync(path, {mode: 0o700});
				}

				this.#owner(path, op.meta, chownSync);
				chmodSync(path, op.meta.mode);
				setXattrs(path, op.meta);
				this.#dirTimes.push({path, mtime: op.meta.mtime});
				break;
			}

			case 'file': {
				this.#fd = openSync(path, createFlags, 0o600);
				this.#pending = {path, meta: op.meta};
				break;
			}

			case 'hardlink': {
				linkSync(join(this.top, op.target), path);
				break;
			}

			case 'symlink': {
				symlinkSync(op.target, path);
				this.#owner(path, op.meta, lchownSync);
				setXattrs(path, op.meta);
				lutimesSync(path, op.meta.mtime, op.meta.mtime);
				break;
			}

			case 'node': {
				run('mknod', op.kind === 'fifo' ? [path, 'p'] : [path, op.kind === 'char' ? 'c' : 'b', String(op.major), String(op.minor)]);
				this.#owner(path, op.meta, chownSync);
				chmodSync(path, op.meta.mode);
				setXattrs(path, op.meta);
				utimesSync(path, op.meta.mtime, op.meta.mtime);
				break;
			}

			case 'whiteout': {
				// overlayfs's whiteout: a character device 0:0, as Docker's overlay2 driver writes it.
				run('mknod', ['-m', '000', path, 'c', '0', '0']);
				break;
			}

			case 'opaque': {
				run('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', path]);
				break;
			}
		}
	}

	/** Content of the file the last `file` op opened. */
	data(chunk: Buffer) {
		if (this.#fd !== undefined) {
			let offset = 0;
			while (offset < chunk.length) {
				offset += writeSync(this.#fd, chunk, offset, chunk.length - offset);
			}

			this.written += chunk.length;
		}
	}

	/** The end of an entry: a file gets its owner, then its mode (chown clears setuid), then its time. */
	endEntry() {
		if (this.#fd === undefined || !this.#pending) {
			return;
		}

		const fd = this.#fd;
		const {meta, path} = this.#pending;
		this.#fd = undefined;
		this.#pending = undefined;
		try {
			if (this.#root) {
				fchownSync(fd, meta.uid, meta.gid);
			}

			fchmodSync(fd, meta.mode);
			// After the owner: chown drops a file's capabilities (security.capability).
			setXattrs(path, meta);
			futimesSync(fd, meta.mtime, meta.mtime);
		} finally {
			closeSync(fd);
		}
	}

	/** Closes what is open (after a failure) without finishing it. */
	abandon() {
		if (this.#fd !== undefined) {
			closeSync(this.#fd);
			this.#fd = undefined;
		}
	}

	/** Directory times, last: a later entry written into a directory would have changed its time. */
	finish() {
		for (const {path, mtime} of this.#dirTimes) {
			try {
				lutimesSync(path, mtime, mtime);
			} catch {
				// A directory a later layer removed or replaced: its time no longer matters.
			}
		}
	}

	#owner(path: string, meta: Meta, chown: (path: string, uid: number, gid: number) => void) {
		if (this.#root) {
			chown(path, meta.uid, meta.gid);
		}
	}
}
