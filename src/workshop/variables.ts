import {dirname, join} from 'node:path';
import {defaultLessonsDir} from '../lesson/load.ts';
import {hostAptSource} from '../host/rootfs/apt-sources.ts';
import {readCgroupHierarchy} from '../host/cgroup/cgroup.ts';
import type {Probes} from '../host/probes.ts';
import {chooseWireSubnet, takenPrefixes, wireCandidates} from '../host/net/subnet.ts';
import type {Route, VariableName, Variables} from '../lesson/types.ts';
import {namedSteps} from '../lesson/named-steps.ts';
import type {Paths} from './paths.ts';
import type {ProgressStore} from './progress.ts';

/** The tarball's file name, as in the write-up. */
const tarballName = 'ubuntu_root.tar';

/** Variables read afresh from the host's live state, each round. */
type LiveVariableName = 'pid' | 'resolver' | WireVariableName | 'jail' | 'rootless' | 'layered';
export type StaticVariables = Omit<Variables, LiveVariableName>;

/** Variables that need no probe of the host's live state: computed once per workshop. */
export const staticVariables = (rootfs: string, route: Route, paths: Paths, {proc, image, imageLayers}: {proc?: string; image?: string; imageLayers?: number} = {}): StaticVariables => {
	const apt = hostAptSource();
	return {
		rootfs,
		workdir: paths.cache,
		tarball: join(paths.cache, tarballName),
		source: join(paths.cache, `source-${route}`),
		mirror: apt?.mirror,
		suite: apt?.suite,
		cgroupfs: cgroupfs(proc),
		// The layers lesson's image layers kept apart (1, 2), its upper, work and merged directories.
		layers: layersDir(paths),
		...layerStack(paths, route === 'image' ? imageLayers : 1),
		// The image route's docker-save archive or OCI layout, and this rootcamp as a command the learner can copy.
		image,
		rootcamp: rootcampCommand(),
	};
};

/** Where the layers lesson keeps its layers (`{{layers}}`), and the overlay its layered shell is rooted in. */
const layersDir = (paths: Paths): string => join(paths.cache, 'layers');
export const layeredRoot = (paths: Paths): string => join(layersDir(paths), 'merged');

/**
 * The layers lesson's stack under `{{layers}}`: the layers below (the tarball unpacked as layer 1,
 * or on the image route the image's own layers 1…N, as `rootcamp image layers` writes them), and
 * the one the lesson adds on top (`{{top}}`: 2, or N+1). `{{lowers}}` lists them top first, as
 * overlayfs's lowerdir wants them. Unset when the image's layers could not be counted.
 */
const layerStack = (paths: Paths, below: number | undefined): Pick<Variables, 'lowers' | 'top'> => {
	if (below === undefined) {
		return {lowers: undefined, top: undefined};
	}

	const top = below + 1;
	return {top: String(top), lowers: Array.from({length: top}, (_, index) => join(layersDir(paths), String(top - index))).join(':')};
};

/** The running rootcamp's own CLI, absolute (the installed package's dist/cli.js), so a shown `rootcamp …` line runs as copied. */
const rootcampCommand = (): string => join(dirname(defaultLessonsDir()), 'dist/cli.js');

/** The addresses of the wire lesson's veth pair. */
export type WireVariableName = 'subnet' | 'prefix' | 'host-address' | 'container-address';

/**
 * The veth pair's /30: the first candidate that overlaps no route or address of the host, not
 * counting the pair's own links (`pairLinks`), so the choice holds once the lesson has used it.
 * Unset when `ip` cannot be read or every candidate is taken.
 */
export const wireVariables = async (probes: Probes, pairLinks: string[]): Promise<Pick<Variables, WireVariableName>> => {
	const none = {subnet: undefined, prefix: undefined, 'host-address': undefined, 'container-address': undefined};
	try {
		const [routes, links] = await Promise.all([probes.routes('host'), probes.hostLinks()]);
		const wire = chooseWireSubnet(takenPrefixes(routes, links, {ignore: pairLinks}));
		return wire === undefined ? none : {subnet: wire.subnet, prefix: String(wire.prefix), 'host-address': wire.hostAddress, 'container-address': wire.containerAddress};
	} catch {
		return none;
	}
};

/** Where the limits lesson's control groups live (`{{cgroupfs}}`): the cgroup2 mount, or the folder of the v1 `pids/` and `memory/` hierarchies. */
const cgroupfs = (proc?: string): string | undefined => {
	const hierarchy = readCgroupHierarchy(proc === undefined ? {} : {proc});
	return hierarchy.version === 'none' ? undefined : hierarchy.base;
};

const wireNames: ReadonlySet<string> = new Set(['subnet', 'prefix', 'host-address', 'container-address']);

/** Why a variable a command or check needs has no value on this host, and what to do about it. */
export const whyMissing = (name: VariableName): string => {
	if (name === 'pid') {
		return `no container is running, so there is no {{pid}} yet: start it first (${namedSteps.container}, or ${namedSteps.containerWithNetwork})`;
	}

	if (wireNames.has(name)) {
		return `there is no {{${name}}}: rootcamp could not read the host's routes with ip, or every /30 it may use for the veth pair (${wireCandidates.join(', ')}) overlaps a route or address of this host`;
	}

	if (name === 'lowers' || name === 'top') {
		return `rootcamp could not read the layers of the image route's image, so there is no {{${name}}}: rootcamp doctor --image PATH says what is wrong with it`;
	}

	if (name === 'image') {
		return 'the image route has no image: start rootcamp with --image PATH (a docker-save archive or an OCI image layout)';
	}

	return `the variable {{${name}}} has no value on this host`;
};

/** The wire lesson's addresses: the choice saved in progress, or a new one, saved once made. */
export const keptWireVariables = async (store: ProgressStore, probes: Probes, pairLinks: string[]): Promise<Pick<Variables, WireVariableName>> => {
	const saved = store.get().wire;
	if (saved?.subnet) {
		return {subnet: saved.subnet, prefix: saved.prefix, 'host-address': saved['host-address'], 'container-address': saved['container-address']};
	}

	const wire = await wireVariables(probes, pairLinks);
	if (wire.subnet) {
		store.update(progress => ({...progress, wire}));
	}

	return wire;
};
