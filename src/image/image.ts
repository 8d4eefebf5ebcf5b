import {createHash} from 'node:crypto';
import {existsSync, statSync} from 'node:fs';
import {directorySource, tarSource, type BlobSource} from './blob-source.ts';
import {ImageError} from './image-error.ts';

/** How a layer's bytes are compressed: known from its media type, or (docker-save) from its first bytes. */
type Compression = 'none' | 'gzip' | 'detect';

/** A digest as `algorithm:hex`, checked to be one rootcamp can compute. */
export type Digest = {algorithm: 'sha256' | 'sha512'; hex: string};

/** One layer to apply, and what its bytes must hash to. */
export type LayerRef = {
	/** Its file inside the image. */
	name: string;
	compression: Compression;
	/** OCI: the descriptor's digest and size, over the bytes as stored. */
	digest?: Digest;
	size?: number;
	/** docker-save: the config's diff_id, over the uncompressed tar. */
	diffId?: Digest;
	/** For messages: "layer 2 of 3 (sha256:1a2b3c4d5e6f)". */
	what: string;
};

export type Image = {format: 'oci' | 'docker-archive'; path: string; source: BlobSource; layers: LayerRef[]};

const parseDigest = (value: unknown, what: string): Digest => {
	const [, algorithm, hex] = (typeof value === 'string' ? /^(sha256|sha512):([\da-f]+)$/.exec(value) : null) ?? [];
	if (!algorithm || hex?.length !== (algorithm === 'sha256' ? 64 : 128)) {
		throw new ImageError(`${what} has a digest rootcamp cannot check (${JSON.stringify(value)}): sha256 or sha512 in lowercase hex`);
	}

	return {algorithm: algorithm as Digest['algorithm'], hex};
};

const hashOf = (data: Buffer, algorithm: Digest['algorithm']) => createHash(algorithm).update(data).digest('hex');

const parseJson = (data: Buffer, what: string): unknown => {
	try {
		return JSON.parse(data.toString('utf8'));
	} catch {
		throw new ImageError(`${what} is not valid JSON`);
	}
};

type Descriptor = {mediaType?: string; digest?: string; size?: number; annotations?: Record<string, string>; platform?: {os?: string; architecture?: string}};

/** Reads a small blob an OCI descriptor names, refusing it unless its size and digest are the descriptor's. */
const readDescriptor = (source: BlobSource, descriptor: Descriptor, what: string): unknown => {
	const digest = parseDigest(descriptor.digest, what);
	const name = `blobs/${digest.algorithm}/${digest.hex}`;
	if (!source.has(name)) {
		throw new ImageError(`${source.path} lacks ${what} (${name})`);
	}

	const data = source.read(name);
	if (data.length !== descriptor.size || hashOf(data, digest.algorithm) !== digest.hex) {
		throw new ImageError(`${what} does not match its digest: ${name} was changed or damaged (expected ${descriptor.digest}, ${descriptor.size} bytes)`);
	}

	return parseJson(data, what);
};

const layerTypes: Record<string, Compression> = {
	'application/vnd.oci.image.layer.v1.tar': 'none',
	'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
	'application/vnd.docker.image.rootfs.diff.tar': 'none',
	'application/vnd.docker.image.rootfs.diff.tar.gzip': 'gzip',
};

/** A layer's compression from its media type; every other type is refused by name. */
const compressionOf = (mediaType: string | undefined, what: string): Compression => {
	const known = mediaType === undefined ? undefined : layerTypes[mediaType];
	if (known) {
		return known;
	}

	if (mediaType?.includes('zstd')) {
		throw new ImageError(`${what} is compressed with zstd (${mediaType}), which rootcamp does not read: convert the image to gzip layers (skopeo copy --dest-compress-format gzip …)`);
	}

	if (mediaType?.includes('nondistributable') || mediaType?.includes('foreign')) {
		throw new ImageError(`${what} is a foreign layer (${mediaType}): its content is not in the image but somewhere else, and rootcamp fetches nothing`);
	}

	throw new ImageError(`${what} has an unknown media type (${mediaType ?? 'none given'}): rootcamp applies tar and tar+gzip layers only`);
};

const manifestTypes = new Set(['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json']);
const indexTypes = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);
const architectures: Record<string, string> = {x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64'};

/** The one manifest to use from an index: the tag asked for, else the only one, else the one for this machine. */
const chooseManifest = (manifests: Descriptor[], tag: string | undefined, where: string): Descriptor => {
	const named = (descriptor: Descriptor) => descriptor.annotations?.['org.opencontainers.image.ref.name'];
	if (tag !== undefined) {
		const found = manifests.find(descriptor => named(descriptor) === tag);
		if (!found) {
			throw new ImageError(`${where} has no image tagged "${tag}" (it has: ${manifests.map(named).filter(Boolean).join(', ') || 'no tags'})`);
		}

		return found;
	}

	const forHere = manifests.filter(descriptor => !descriptor.platform || (descriptor.platform.os === 'linux' && descriptor.platform.architecture === architectures[process.arch]));
	if (forHere.length === 1) {
		return forHere[0]!;
	}

	throw new ImageError(forHere.length === 0
		? `${where} holds no image for linux/${architectures[process.arch] ?? process.arch}`
		: `${where} holds ${forHere.length} images (${forHere.map(descriptor => named(descriptor) ?? descriptor.digest).join(', ')}): name one as PATH:TAG`);
};

const short = (digest: Digest) => `${digest.algorithm}:${digest.hex.slice(0, 12)}`;

const openOci = (source: BlobSource, tag: string | undefined): Image => {
	const layout = parseJson(source.read('oci-layout'), 'oci-layout') as {imageLayoutVersion?: string};
	if (typeof layout?.imageLayoutVersion !== 'string') {
		throw new ImageError(`${source.path}: oci-layout names no imageLayoutVersion`);
	}

	let index = parseJson(source.read('index.json'), 'index.json') as {manifests?: Descriptor[]};
	let descriptor = chooseManifest(index.manifests ?? [], tag, `${source.path}`);
	// An index may point at another index (one manifest per platform): one more level is followed.
	if (indexTypes.has(descriptor.mediaType ?? '')) {
		index = readDescriptor(source, descriptor, 'the image index') as typeof index;
		descriptor = chooseManifest(index.manifests ?? [], undefined, `the image index ${descriptor.digest}`);
	}

	if (!manifestTypes.has(descriptor.mediaType ?? '')) {
		throw new ImageError(`${source.path}: the manifest has an unknown media type (${descriptor.mediaType ?? 'none given'})`);
	}

	const manifest = readDescriptor(source, descriptor, 'the manifest') as {config?: Descriptor; layers?: Descriptor[]};
	const config = readDescriptor(source, manifest.config ?? {}, 'the image config') as {rootfs?: {diff_ids?: unknown[]}};
	const layers = manifest.layers ?? [];
	const diffIds = config?.rootfs?.diff_ids;
	if (Array.isArray(diffIds) && diffIds.length !== layers.length) {
		throw new ImageError(`${source.path}: the manifest lists ${layers.length} layers but the config's rootfs.diff_ids ${diffIds.length}`);
	}

	return {
		format: 'oci',
		path: source.path,
		source,
		layers: layers.map((layer, position) => {
			const digest = parseDigest(layer.digest, `layer ${position + 1}`);
			const what = `layer ${position + 1} of ${layers.length} (${short(digest)})`;
			const name = `blobs/${digest.algorithm}/${digest.hex}`;
			if (!Number.isSafeInteger(layer.size)) {
				throw new ImageError(`${what} names no size`);
			}

			return {name, compression: compressionOf(layer.mediaType, what), digest, size: layer.size, what};
		}),
	};
};

type DockerManifest = {Config?: string; RepoTags?: string[] | null; Layers?: string[]};

const openDockerArchive = (source: BlobSource, tag: string | undefined): Image => {
	const entries = parseJson(source.read('manifest.json'), 'manifest.json') as DockerManifest[];
	if (!Array.isArray(entries) || entries.length === 0) {
		throw new ImageError(`${source.path}: manifest.json lists no image`);
	}

	const tagged = tag === undefined ? entries : entries.filter(entry => entry.RepoTags?.some(name => name === tag || name.endsWith(`:${tag}`)));
	if (tagged.length !== 1) {
		throw new ImageError(tagged.length === 0
			? `${source.path} has no image tagged "${tag}" (it has: ${entries.flatMap(entry => entry.RepoTags ?? []).join(', ') || 'no tags'})`
			: `${source.path} holds ${tagged.length} images (${entries.flatMap(entry => entry.RepoTags ?? []).join(', ')}): name one as PATH:TAG`);
	}

	const {Config: configName = '', Layers: layerNames = []} = tagged[0]!;
	// The config's name is its digest (`HEX.json`, or `blobs/sha256/HEX` since Docker 25).
	const named = /(?:^|\/)([\da-f]{64})(?:\.json)?$/.exec(configName);
	if (!named) {
		throw new ImageError(`${source.path}: the config's name (${JSON.stringify(configName)}) carries no sha256 digest to check it by`);
	}

	const data = source.read(configName);
	if (hashOf(data, 'sha256') !== named[1]) {
		throw new ImageError(`the image config ${configName} does not match its digest: it was changed or damaged`);
	}

	const config = parseJson(data, 'the image config') as {rootfs?: {diff_ids?: unknown[]}};
	const diffIds = config?.rootfs?.diff_ids ?? [];
	if (diffIds.length !== layerNames.length) {
		throw new ImageError(`${source.path}: manifest.json lists ${layerNames.length} layers but the config's rootfs.diff_ids ${diffIds.length}`);
	}

	return {
		format: 'docker-archive',
		path: source.path,
		source,
		layers: layerNames.map((name, position) => {
			const diffId = parseDigest(diffIds[position], `layer ${position + 1}'s diff_id`);
			return {name, compression: 'detect', diffId, what: `layer ${position + 1} of ${layerNames.length} (${short(diffId)})`};
		}),
	};
};

/** `PATH` or `PATH:TAG` (only when PATH alone does not exist). */
export const splitImageArgument = (argument: string): {path: string; tag?: string} => {
	const colon = argument.lastIndexOf(':');
	if (existsSync(argument) || colon <= 0 || !existsSync(argument.slice(0, colon))) {
		return {path: argument};
	}

	return {path: argument.slice(0, colon), tag: argument.slice(colon + 1)};
};

/** Opens a docker-save archive or an OCI image layout (a directory or its tar) and checks its manifests. */
export const openImage = (argument: string): Image => {
	const {path, tag} = splitImageArgument(argument);
	if (!existsSync(path)) {
		throw new ImageError(`there is no image at ${path}`);
	}

	const source = statSync(path).isDirectory() ? directorySource(path) : tarSource(path);
	if (source.has('oci-layout')) {
		return openOci(source, tag);
	}

	if (source.has('manifest.json')) {
		return openDockerArchive(source, tag);
	}

	throw new ImageError(`${path} is neither a docker-save archive (no manifest.json) nor an OCI image layout (no oci-layout)`);
};
