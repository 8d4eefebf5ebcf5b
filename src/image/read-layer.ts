import {createHash, type Hash} from 'node:crypto';
import {Transform, type Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {createGunzip, type ZlibOptions} from 'node:zlib';
import type {Digest, LayerRef} from './image.ts';
import {ImageError} from './image-error.ts';
import {TarParser, type EntrySink} from './tar-entries.ts';

/**
 * gunzip that may run 16 MiB ahead of the planner and writer (Node's zlib passes stream options
 * on, though its types do not say so): with the default 16 KiB the two took turns instead of
 * overlapping, and unpacking took 1.41x tar's time, whose gzip runs in a process of its own.
 */
const gunzipAhead = () => createGunzip({chunkSize: 256 * 1024, readableHighWaterMark: 16 * 1024 * 1024} as ZlibOptions);

/** Counts and hashes the bytes passing through. */
const measure = (hash: Hash | undefined, counted: {bytes: number}) => new Transform({
	transform(chunk: Buffer, _encoding, done) {
		hash?.update(chunk);
		counted.bytes += chunk.length;
		done(null, chunk);
	},
});

/** Sniffs the first bytes of a docker-save layer: gzip, or a plain tar; zstd is refused by name. */
const sniff = async (open: () => Readable, what: string): Promise<'gzip' | 'none'> => {
	const stream = open();
	try {
		const iterator = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
		const first = await iterator.next();
		const head = first.done ? undefined : first.value;
		if (!head || head.length < 4) {
			return 'none';
		}

		if (head[0] === 0x1F && head[1] === 0x8B) {
			return 'gzip';
		}

		if (head.readUInt32LE(0) === 0xFD_2F_B5_28) {
			throw new ImageError(`${what} is compressed with zstd, which rootcamp does not read: convert the image to gzip layers (skopeo copy --dest-compress-format gzip …)`);
		}

		return 'none';
	} finally {
		stream.destroy();
	}
};

const mismatch = (what: string, kind: string, expected: Digest, actual: string) =>
	new ImageError(`${what} does not match its ${kind}: expected ${expected.algorithm}:${expected.hex}, got ${expected.algorithm}:${actual}; the image was changed or damaged`);

/**
 * Reads one layer once, start to end: its stored bytes hashed against the manifest's digest (OCI),
 * decompressed, the tar hashed against the config's diff_id (docker-save), and every entry passed
 * to the sink as it arrives. Any mismatch, truncation or damage throws, after which the caller
 * throws away everything the sink wrote.
 */
export const readLayer = async (open: () => Readable, layer: LayerRef, sink: EntrySink): Promise<void> => {
	const compression = layer.compression === 'detect' ? await sniff(open, layer.what) : layer.compression;
	const stored = {bytes: 0};
	const storedHash = layer.digest ? createHash(layer.digest.algorithm) : undefined;
	const tarHash = layer.diffId ? createHash(layer.diffId.algorithm) : undefined;
	const parser = new TarParser(sink, layer.what);
	// What the parser or the planner threw: the pipeline may report the streams' abort instead.
	let refused: unknown;
	const consume = async (source: AsyncIterable<Buffer>) => {
		for await (const chunk of source) {
			tarHash?.update(chunk);
			try {
				parser.push(chunk);
			} catch (error) {
				refused = error;
				throw error;
			}
		}
	};

	try {
		await (compression === 'gzip'
			? pipeline(open(), measure(storedHash, stored), gunzipAhead(), consume)
			: pipeline(open(), measure(storedHash, stored), consume));
	} catch (error) {
		if (refused !== undefined || error instanceof ImageError) {
			throw refused ?? error;
		}

		// zlib's errors are the layer's damage; any other (a full disk, say) is not the image's fault.
		const code = (error as NodeJS.ErrnoException).code ?? '';
		if (code.startsWith('Z_') || /unexpected end of file/i.test((error as Error).message)) {
			throw new ImageError(`${layer.what} is corrupt or truncated: gzip says "${(error as Error).message}"`);
		}

		throw error;
	}

	parser.finish();
	if (layer.size !== undefined && stored.bytes !== layer.size) {
		throw new ImageError(`${layer.what} is ${stored.bytes} bytes but its manifest says ${layer.size}: the image was changed, truncated or damaged`);
	}

	if (layer.digest && storedHash) {
		const actual = storedHash.digest('hex');
		if (actual !== layer.digest.hex) {
			throw mismatch(layer.what, 'digest', layer.digest, actual);
		}
	}

	if (layer.diffId && tarHash) {
		const actual = tarHash.digest('hex');
		if (actual !== layer.diffId.hex) {
			throw mismatch(layer.what, 'diff_id (the config\'s hash of the uncompressed tar)', layer.diffId, actual);
		}
	}
};
