import {isResolved, type Neighbor} from '../../host/net/neighbors.ts';
import {describeRoute, mainRoutes, type IpRoute} from '../../host/net/routes.ts';
import type {Probes} from '../../host/probes.ts';
import type {Link} from '../../host/types.ts';
import type {Change, Snapshot} from '../api.ts';
import {sameProcess, type Fact} from './fact.ts';

/** Routes and ARP entries: the container's, and the host's on its veth links. */
export const routesFact: Fact = {
	name: 'routes',
	read: async ({probes}) => readNetwork(probes),
	changes: (before, after) => [...routeChanges(before, after), ...neighborChanges(before, after)],
};

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

/** Routes of the host's veth links, and of the container's own network namespace (within one shell's life). */
function routeChanges(before: Snapshot, after: Snapshot): Change[] {
	if (before.routes === undefined || after.routes === undefined) {
		return [];
	}

	const changes: Change[] = [];
	const routeKey = (route: IpRoute) => `${route.dst} ${route.gateway ?? ''} ${route.dev ?? ''}`;
	const missing = (a: IpRoute[], b: IpRoute[]) => a.filter(route => !b.some(other => routeKey(other) === routeKey(route)));
	for (const route of missing(after.routes.host, before.routes.host)) {
		changes.push({sign: '+', text: `${describeRoute(route)} on the host${route.protocol === 'kernel' ? ' (added by the kernel with the address)' : ''}`});
	}

	for (const route of missing(before.routes.host, after.routes.host)) {
		changes.push({sign: '-', text: `${describeRoute(route)} gone from the host`});
	}

	if (ownNetBoth(before, after)) {
		for (const route of missing(after.routes.container, before.routes.container)) {
			changes.push({sign: '+', text: `${describeRoute(route)} in the container${route.protocol === 'kernel' ? ' (added by the kernel with the address)' : ''}`});
		}

		for (const route of missing(before.routes.container, after.routes.container)) {
			changes.push({sign: '-', text: `${describeRoute(route)} gone from the container`});
		}
	}

	return changes;
}

/** MAC addresses ARP learned: what a first packet across a link leaves behind on both ends. */
function neighborChanges(before: Snapshot, after: Snapshot): Change[] {
	if (before.neighbors === undefined || after.neighbors === undefined) {
		return [];
	}

	const entryKey = (entry: Neighbor) => `${entry.address} ${entry.dev}`;
	const learned = (a: Neighbor[], b: Neighbor[]) => a.filter(entry => !b.some(other => entryKey(other) === entryKey(entry)));
	const changes: Change[] = learned(after.neighbors.host, before.neighbors.host)
		.map(entry => ({sign: '+', text: `the host learned ${entry.address}'s MAC address on ${entry.dev} (ARP): ${entry.lladdr}`}));
	if (ownNetBoth(before, after)) {
		changes.push(...learned(after.neighbors.container, before.neighbors.container)
			.map(entry => ({sign: '+' as const, text: `the container learned ${entry.address}'s MAC address on ${entry.dev} (ARP): ${entry.lladdr}`})));
	}

	return changes;
}

/** One shell, with a network namespace of its own, in both snapshots: its routes and neighbours are comparable. */
function ownNetBoth(before: Snapshot, after: Snapshot): boolean {
	return sameProcess(before.container, after.container) && before.container!.own.includes('net') && after.container!.own.includes('net');
}
