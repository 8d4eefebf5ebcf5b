import type {Where} from '../lesson/types.ts';
import {countAptLists} from './rootfs/apt-lists.ts';
import {runCheckCommand, type CommandOutcome} from './tools/command.ts';
import {findContainer} from './proc/container.ts';
import {readDpkgStatus} from './rootfs/dpkg.ts';
import {listEntries, type Entry} from './rootfs/entries.ts';
import {hostHostname} from './net/hostname.ts';
import {fileFact, readText} from './rootfs/files.ts';
import {isolationProbes, type IsolationProbes} from './isolation-probes.ts';
import {faasProbes, type FaasProbes} from './faas/probes.ts';
import {runtimeProbes, type RuntimeProbes} from './runtime-probes.ts';
import {readMountinfo} from './proc/mountinfo.ts';
import type {Neighbor} from './net/neighbors.ts';
import {readNetwork, type NetFacts} from './net/net-facts.ts';
import {sendPing} from './net/ping.ts';
import {listProcesses} from './proc/processes.ts';
import {resolveInRoot, type Resolution} from './rootfs/resolve-in-root.ts';
import {upstreamResolver} from './net/resolver.ts';
import type {IpRoute} from './net/routes.ts';
import {listTarball, type ListingMemo, type TarballListing} from './rootfs/tarball.ts';
import type {ContainerInfo, FileFact, Link, Mount} from './types.ts';

/** Every fact the checks and snapshots read, each read at most once per evaluation round. */
export type Probes = IsolationProbes & RuntimeProbes & FaasProbes & {
	readonly rootfs: string;
	/** Where the layers lesson mounts the overlay its shell is rooted in. */
	readonly layeredRoot?: string;
	readonly proc: string;
	container(): Promise<ContainerInfo | null>;
	/** Mounts as the container sees them (relative to its root); empty without a container. */
	containerMounts(): Promise<Mount[]>;
	/** Mounts as rootcamp sees them (`/proc/self/mountinfo`). */
	hostMounts(): Promise<Mount[]>;
	hostLinks(): Promise<Link[]>;
	/** Links in the container's network namespace; empty without a container. */
	containerLinks(): Promise<Link[]>;
	/** `lstat` of a host path (a final symlink is described, not followed). */
	fileFact(path: string): Promise<FileFact | null>;
	/** Resolves a host path; one inside the rootfs resolves its symlinks within the rootfs, never onto the host. */
	resolve(path: string, options: {follow: boolean}): Promise<Resolution>;
	/** The text of a regular file (its first MiB), or null. */
	text(path: string): Promise<string | null>;
	/** Packages installed in the rootfs; null without a dpkg database. */
	packages(): Promise<string[] | null>;
	/** Downloaded apt index files in the rootfs. */
	aptLists(): Promise<number>;
	tarball(path: string): Promise<TarballListing | null>;
	/** The host's upstream DNS server (never a 127.0.0.53 stub). */
	resolver(): Promise<string | undefined>;
	/** Runs a check's command (never cached: it is an action, not a fact). */
	command(where: Where, command: string): Promise<CommandOutcome>;
	/** IPv4 routes of every table on that side; empty for the container without one. */
	routes(where: Where): Promise<IpRoute[]>;
	/** IPv4 neighbour (ARP) entries on that side; empty for the container without one. */
	neighbors(where: Where): Promise<Neighbor[]>;
	/** The hostname on that side; undefined for the container without one. */
	hostname(where: Where): Promise<string | undefined>;
	/** A directory's entries, each described without following it; null when there is none. */
	entries(path: string): Promise<Entry[] | null>;
	/** Sends one ping to `address` through `dev` only (never cached: it is an action). */
	ping(where: Where, address: string, dev: string): Promise<CommandOutcome>;
};

/** Creates the memo for one evaluation round: call it again to see the host afresh. */
export function createProbes({proc = '/proc', rootfs, tarballMemo, layeredRoot}: {proc?: string; rootfs: string; tarballMemo?: ListingMemo; layeredRoot?: string}): Probes {
	const cache = new Map<string, Promise<unknown>>();
	// Keep the promise, not the value, so parallel checks asking for the same fact share one read.
	const once = async <T>(key: string, read: () => Promise<T>): Promise<T> => {
		let pending = cache.get(key) as Promise<T> | undefined;
		if (pending === undefined) {
			pending = read();
			cache.set(key, pending);
		}

		return pending;
	};

	// Links, routes and neighbours of both sides, and the container's hostname, in one read: it asks
	// for the container (a walk of /proc, a few milliseconds) only when it needs its PID.
	const network = async () => once('network', async () => readNetwork(async () => (await probes.container())?.pid, {proc}));
	const net = async (where: Where): Promise<NetFacts & {hostname?: string}> => {
		const round = await network();
		if (where === 'host') {
			return round.host;
		}

		if (round.container instanceof Error) {
			throw round.container;
		}

		return round.container ?? {links: [], routes: [], neighbors: []};
	};

	// One walk of /proc per round serves the container, the jail and the rootless shell.
	const processes = async () => once('processes', async () => listProcesses({proc}));
	const root = rootfs.replace(/\/+$/, '') || '/';
	const probes: Probes = {
		rootfs: root,
		proc,
		...(layeredRoot === undefined ? {} : {layeredRoot}),
		...isolationProbes({proc, rootfs: root, once, container: async () => probes.container(), hostMounts: async () => probes.hostMounts(), processes, ...(layeredRoot === undefined ? {} : {layeredRoot})}),
		...faasProbes({proc, once, processes, cgroupHierarchy: async () => probes.cgroupHierarchy()}),
		...runtimeProbes({proc, rootfs: root, once}),
		container: async () => once('container', async () => findContainer(root, {proc, processes: await processes()})),
		containerMounts: async () => once('containerMounts', async () => {
			const container = await probes.container();
			// The shell may end between finding it and reading its mounts: that is "no mounts", not an error.
			return container === null ? [] : readMountinfo(container.pid, {proc}).catch(() => []);
		}),
		hostMounts: async () => once('hostMounts', async () => readMountinfo('self', {proc})),
		hostLinks: async () => (await net('host')).links,
		containerLinks: async () => (await net('container')).links,
		fileFact: async path => once(`fileFact:${path}`, async () => fileFact(path)),
		resolve: async (path, {follow}) => once(`resolve:${follow}:${path}`, async () => {
			const [base, inside] = splitRoot(root, path, proc);
			return resolveInRoot(base, inside, {follow, lstat: probes.fileFact});
		}),
		text: async path => once(`text:${path}`, async () => readText(path)),
		packages: async () => once('packages', async () => readDpkgStatus(root)),
		aptLists: async () => once('aptLists', async () => countAptLists(root)),
		tarball: async path => once(`tarball:${path}`, async () => listTarball(path, tarballMemo)),
		resolver: async () => once('resolver', async () => upstreamResolver()),
		async command(where, command) {
			const container = where === 'container' ? await probes.container() : null;
			return runCheckCommand(where, command, container === null ? {} : {pid: container.pid});
		},
		routes: async where => (await net(where)).routes,
		neighbors: async where => (await net(where)).neighbors,
		hostname: async where => (where === 'host' ? once('hostname:host', async () => hostHostname({proc})) : (await net('container')).hostname),
		entries: async path => once(`entries:${path}`, async () => listEntries(path)),
		async ping(where, address, dev) {
			const container = where === 'container' ? await probes.container() : null;
			return sendPing(where, address, dev, container === null ? {proc} : {pid: container.pid, proc});
		},
	};
	return probes;
}

/**
 * Splits a host path into the root its symlinks resolve in (the rootfs, or `/`) and the rest.
 * A path through `/proc/PID/root` is that process's own view: the kernel resolves it in the
 * process's mount namespace (a tmpfs the container mounted on /dev shows there, not in the rootfs).
 */
export function splitRoot(rootfs: string, path: string, proc = '/proc'): [root: string, inside: string] {
	const processRoot = `${proc.replace(/\/+$/, '')}/`;
	if (path.startsWith(processRoot)) {
		const match = /^(\d+)\/root(?=\/|$)/.exec(path.slice(processRoot.length));
		if (match) {
			const root = `${processRoot}${match[0]}`;
			return [root, path.slice(root.length) || '/'];
		}
	}

	if (rootfs !== '/' && (path === rootfs || path.startsWith(`${rootfs}/`))) {
		return [rootfs, path.slice(rootfs.length) || '/'];
	}

	return ['/', path];
}
