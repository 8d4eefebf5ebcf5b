import {isResolved, type Neighbor} from '../host/net/neighbors.ts';
import type {Probes} from '../host/probes.ts';
import {mainRoutes, type IpRoute} from '../host/net/routes.ts';
import type {Link, Mount} from '../host/types.ts';
import type {FileFact, Snapshot} from './api.ts';
import {readIsolation, type IsolationWatch} from './isolation.ts';

/** Reads everything "what changed" compares, in parallel, from one round's probes. */
export async function takeSnapshot(probes: Probes, watchedPaths: string[], watch: IsolationWatch = {cgroups: [], shells: []}): Promise<Snapshot> {
	// The network first: its read runs in another process while this one reads /proc and the files.
	// A snapshot explains a step; a link listing that fails (no `ip`) must not stop the step itself.
	const hostLinks = probes.hostLinks().catch((): Link[] => []);
	const isolation = readIsolation(probes, watch);
	const [container, containerMounts, hostMounts, containerLinks, files, packages, aptLists, network, hostnames, containerDev] = await Promise.all([
		probes.container(),
		probes.containerMounts(),
		probes.hostMounts().then(mounts => underRoot(mounts, probes.rootfs)),
		probes.containerLinks().catch((): Link[] => []),
		readFiles(probes, watchedPaths),
		probes.packages().then(names => names ?? []),
		probes.aptLists(),
		readNetwork(probes),
		readHostnames(probes),
		readContainerDev(probes),
	]);
	return {container, containerMounts, hostMounts, hostLinks: await hostLinks, containerLinks, files, packages, aptLists, ...network, hostnames, containerDev, ...await isolation};
}

/**
 * Routes and ARP entries: all of the container's, but only the host's on its veth links. The
 * host's own routes and neighbours change by themselves (DHCP, other machines on the LAN); a
 * lesson changes only the links it made.
 */
async function readNetwork(probes: Probes): Promise<Pick<Snapshot, 'routes' | 'neighbors'>> {
	const [hostLinks, hostRoutes, containerRoutes, hostNeighbors, containerNeighbors] = await Promise.all([
		probes.hostLinks().catch((): Link[] => []),
		probes.routes('host').catch((): IpRoute[] => []),
		probes.routes('container').catch((): IpRoute[] => []),
		probes.neighbors('host').catch((): Neighbor[] => []),
		probes.neighbors('container').catch((): Neighbor[] => []),
	]);
	const veths = new Set(hostLinks.filter(link => link.kind === 'veth').map(link => link.name));
	const onVeth = (dev: string | undefined) => dev !== undefined && veths.has(dev);
	return {
		routes: {host: mainRoutes(hostRoutes).filter(route => onVeth(route.dev)), container: mainRoutes(containerRoutes)},
		neighbors: {host: hostNeighbors.filter(entry => onVeth(entry.dev) && isResolved(entry)), container: containerNeighbors.filter(entry => isResolved(entry))},
	};
}

async function readHostnames(probes: Probes): Promise<NonNullable<Snapshot['hostnames']>> {
	const [host, container] = await Promise.all([probes.hostname('host').catch(() => undefined), probes.hostname('container').catch(() => undefined)]);
	return {...(host === undefined ? {} : {host}), ...(container === undefined ? {} : {container})};
}

/** The container's /dev as the container sees it: through /proc/PID/root, which resolves in its mount namespace. */
async function readContainerDev(probes: Probes): Promise<Snapshot['containerDev']> {
	const container = await probes.container();
	return container === null ? null : probes.entries(`${probes.proc}/${container.pid}/root/dev`).catch(() => null);
}

/** Host mounts at or under the rootfs: the ones a container step can add or leave behind. */
export function underRoot(mounts: Mount[], rootfs: string): Mount[] {
	const root = rootfs.replace(/\/+$/, '');
	return mounts.filter(mount => mount.target === root || mount.target.startsWith(`${root}/`));
}

async function readFiles(probes: Probes, paths: string[]): Promise<Record<string, FileFact | null>> {
	const unique = [...new Set(paths)];
	// Resolve like the file check does, so a rootfs symlink never leads the snapshot onto the host.
	const facts = await Promise.all(unique.map(async path => (await probes.resolve(path, {follow: false})).fact));
	return Object.fromEntries(unique.map((path, index) => [path, facts[index] ?? null]));
}
