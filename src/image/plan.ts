import {ImageError} from './image-error.ts';
import type {EntryType, TarEntry} from './tar-entries.ts';

/** The metadata a written entry carries. */
export type Meta = {mode: number; uid: number; gid: number; mtime: number; xattrs?: Array<[string, Buffer]>};

/** One thing to do to the tree being built; paths are relative to its top, normalized. */
export type Op =
	| {op: 'remove'; path: string}
	| {op: 'mkdir'; path: string; meta: Meta; exists: boolean}
	| {op: 'file'; path: string; meta: Meta; size: number}
	| {op: 'hardlink'; path: string; target: string}
	| {op: 'symlink'; path: string; target: string; meta: Meta}
	| {op: 'node'; path: string; kind: 'char' | 'block' | 'fifo'; major: number; minor: number; meta: Meta}
	| {op: 'whiteout'; path: string}
	| {op: 'opaque'; path: string};

/**
 * How layers become trees: `merge` applies each layer onto one tree (what `umoci unpack` and an
 * engine's flattening do); `overlay` writes each layer into a tree of its own in the form
 * overlayfs reads, as Docker's overlay2 driver keeps them (whiteouts as 0:0 character devices,
 * opaque directories marked by an extended attribute).
 */
export type PlanMode = 'merge' | 'overlay';

type Node = {type: EntryType; meta: Meta; layer: number; children?: Map<string, Node>};

const whiteoutPrefix = '.wh.';
const opaqueName = '.wh..wh..opq';
/** What an implicit parent directory gets when no layer said what it is (as tar and Docker make them). */
const defaultDirMeta: Meta = {mode: 0o755, uid: 0, gid: 0, mtime: 0};

/** A member's name as path components inside the tree; refuses names that leave it. */
export const normalizeName = (name: string, what = 'an entry'): string[] => {
	if (name.startsWith('/')) {
		throw new ImageError(`${what} has an absolute name ("${name}"): a layer's names must stay inside the tree`);
	}

	const parts = name.split('/').filter(part => part !== '' && part !== '.');
	if (parts.includes('..')) {
		throw new ImageError(`${what} escapes the tree with ".." ("${name}")`);
	}

	return parts;
};

/**
 * An entry's metadata. Its `trusted.overlay.*` attributes are dropped: they are overlayfs's own
 * (whiteouts, opaque directories), never an image's, and kept apart they would change the merge.
 */
const metaOf = (entry: TarEntry): Meta => {
	const xattrs = (entry.xattrs ?? []).filter(([name]) => !name.startsWith('trusted.overlay.'));
	return {mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime, ...(xattrs.length > 0 && {xattrs})};
};

/**
 * Applies layers to an in-memory model of the tree and says, entry by entry, what to write: a
 * pure function of the entries (no file is touched here), so every rule of the OCI image spec's
 * layer format and every refusal is tested on lists of entries. It refuses anything that would
 * write outside the tree: a name with `..` or an absolute one, a write through a symbolic link a
 * layer made, a hard link to a missing target or one outside.
 */
export class LayerPlanner {
	readonly #root: Node = {type: 'dir', meta: defaultDirMeta, layer: 0, children: new Map()};
	#layer = 0;
	/** In overlay form: the paths that exist in the current layer's own directory. */
	#inLayer = new Set<string>();
	constructor(readonly mode: PlanMode = 'merge') {}

	/** Starts the next layer (layers are applied lowest first). */
	beginLayer() {
		this.#layer++;
		this.#inLayer = new Set(['']);
	}

	/** What to write for one entry of the current layer. */
	plan(entry: TarEntry): Op[] {
		const parts = normalizeName(entry.name, `the entry "${entry.name}"`);
		const base = parts.at(-1);
		if (base === opaqueName || base?.startsWith(whiteoutPrefix)) {
			return this.#whiteout(parts, base === opaqueName ? undefined : base.slice(whiteoutPrefix.length));
		}

		if (parts.length === 0) {
			if (entry.type !== 'dir') {
				throw new ImageError('a layer\'s top entry ("." or "/") is not a directory');
			}

			this.#root.meta = metaOf(entry);
			return [{op: 'mkdir', path: '', meta: metaOf(entry), exists: true}];
		}

		const ops: Op[] = [];
		const parent = this.#parentDir(parts, ops);
		const name = base!;
		const path = parts.join('/');
		const existing = parent.children!.get(name);
		const here = this.mode === 'merge' || this.#inLayer.has(path);
		if (existing && entry.type === 'dir' && existing.type === 'dir') {
			existing.meta = metaOf(entry);
			existing.layer = this.#layer;
			ops.push({op: 'mkdir', path, meta: existing.meta, exists: here});
			this.#inLayer.add(path);
			return ops;
		}

		if (existing) {
			parent.children!.delete(name);
		}

		// Kept apart, the layer's own tree may hold a whiteout of this name written just before it.
		if ((existing && here) || (!existing && this.mode === 'overlay' && this.#inLayer.has(path))) {
			ops.push({op: 'remove', path});
			this.#forgetInLayer(path);
		}

		if (entry.type === 'hardlink') {
			const target = this.#hardlinkTarget(entry, path);
			parent.children!.set(name, {type: target.type, meta: target.meta, layer: this.#layer});
			ops.push({op: 'hardlink', path, target: normalizeName(entry.linkname).join('/')});
		} else {
			const node: Node = {type: entry.type, meta: metaOf(entry), layer: this.#layer};
			if (entry.type === 'dir') {
				node.children = new Map();
			}

			parent.children!.set(name, node);
			ops.push(this.#create(entry, path));
		}

		this.#inLayer.add(path);
		return ops;
	}

	#create(entry: TarEntry, path: string): Op {
		const meta = metaOf(entry);
		switch (entry.type) {
			case 'dir': {
				return {op: 'mkdir', path, meta, exists: false};
			}

			case 'symlink': {
				return {op: 'symlink', path, target: entry.linkname, meta};
			}

			case 'char':
			case 'block':
			case 'fifo': {
				return {op: 'node', path, kind: entry.type, major: entry.devmajor, minor: entry.devminor, meta};
			}

			default: {
				return {op: 'file', path, meta, size: entry.size};
			}
		}
	}

	/** The directory an entry goes into, made (as 0755 root, or as the lower layers had it) where a layer left it out. */
	#parentDir(parts: string[], ops: Op[]): Node {
		let node = this.#root;
		for (let depth = 0; depth < parts.length - 1; depth++) {
			const path = parts.slice(0, depth + 1).join('/');
			let child = node.children!.get(parts[depth]!);
			if (child && child.type !== 'dir') {
				const what = child.type === 'symlink' ? 'a symbolic link' : `a ${child.type === 'file' ? 'file' : child.type}, not a directory`;
				throw new ImageError(`the entry "${parts.join('/')}" would be written through "${path}", which is ${what}: rootcamp writes nothing through a link a layer made`);
			}

			if (!child) {
				child = {type: 'dir', meta: {...defaultDirMeta}, layer: this.#layer, children: new Map()};
				node.children!.set(parts[depth]!, child);
				ops.push({op: 'mkdir', path, meta: child.meta, exists: false});
				this.#inLayer.add(path);
			} else if (this.mode === 'overlay' && !this.#inLayer.has(path)) {
				// The layer's own directory lacks it: made with the metadata the lower layers gave it, as the merged view shows.
				ops.push({op: 'mkdir', path, meta: child.meta, exists: false});
				this.#inLayer.add(path);
			}

			node = child;
		}

		return node;
	}

	/** The directory `parts` ends in, if the tree has it as a directory all the way down (never through a link). */
	#existingDir(parts: string[]): Node | undefined {
		let node = this.#root;
		for (let depth = 0; depth < parts.length - 1; depth++) {
			const child = node.children!.get(parts[depth]!);
			if (!child) {
				return undefined;
			}

			if (child.type !== 'dir') {
				return undefined;
			}

			node = child;
		}

		return node;
	}

	#hardlinkTarget(entry: TarEntry, path: string): Node {
		const parts = normalizeName(entry.linkname, `the hard link "${path}"`);
		let node: Node | undefined = this.#root;
		for (const part of parts) {
			node = node?.type === 'dir' ? node.children!.get(part) : undefined;
		}

		if (!node || node.type === 'dir' || parts.join('/') === path) {
			throw new ImageError(`the hard link "${path}" points at "${entry.linkname}", which is not a file in the tree`);
		}

		if (this.mode === 'overlay' && !this.#inLayer.has(parts.join('/'))) {
			throw new ImageError(`the hard link "${path}" points at "${entry.linkname}" of a lower layer: layers kept apart cannot share a file`);
		}

		return node;
	}

	/** A whiteout (`name` given) or an opaque marker (`name` undefined) in the directory `parts` ends in. */
	#whiteout(parts: string[], name: string | undefined): Op[] {
		if (name === '' || name === '.' || name === '..') {
			throw new ImageError(`the whiteout "${parts.join('/')}" names no entry`);
		}

		// A whiteout in a directory the lower layers lack, or under what is no longer a directory
		// (this layer made it a file, or a link rootcamp never follows), hides nothing.
		const lower = this.#existingDir(parts);
		if (!lower) {
			return [];
		}

		const ops: Op[] = [];
		const overlay = this.mode === 'overlay';
		const dir = overlay ? this.#parentDir(parts, ops) : lower;
		const dirPath = parts.slice(0, -1).join('/');
		if (name === undefined) {
			for (const child of dir.children!.keys()) {
				this.#removeLower(dir, child, joinPath(dirPath, child), overlay ? [] : ops);
			}

			if (overlay) {
				ops.push({op: 'opaque', path: dirPath});
			}

			return ops;
		}

		const path = joinPath(dirPath, name);
		if (overlay && !this.#inLayer.has(path)) {
			ops.push({op: 'whiteout', path});
			this.#inLayer.add(path);
		}

		this.#removeLower(dir, name, path, overlay ? [] : ops);
		return ops;
	}

	/** Removes what lower layers put at `path`, keeping whatever the current layer wrote there. */
	#removeLower(parent: Node, name: string, path: string, ops: Op[]) {
		const node = parent.children!.get(name);
		if (!node) {
			return;
		}

		if (!this.#writtenNow(node)) {
			parent.children!.delete(name);
			ops.push({op: 'remove', path});
			return;
		}

		if (node.type === 'dir') {
			for (const child of node.children!.keys()) {
				this.#removeLower(node, child, joinPath(path, child), ops);
			}
		}
	}

	#writtenNow(node: Node): boolean {
		return node.layer === this.#layer || [...node.children?.values() ?? []].some(child => this.#writtenNow(child));
	}

	#forgetInLayer(path: string) {
		for (const known of this.#inLayer) {
			if (known === path || known.startsWith(`${path}/`)) {
				this.#inLayer.delete(known);
			}
		}
	}
}

const joinPath = (dir: string, name: string) => (dir === '' ? name : `${dir}/${name}`);

/** Plans whole layers at once: the pure form tests use. */
export const planLayers = (layers: TarEntry[][], mode: PlanMode = 'merge'): Op[][] => {
	const planner = new LayerPlanner(mode);
	return layers.map(layer => {
		planner.beginLayer();
		return layer.flatMap(entry => planner.plan(entry));
	});
};
