import type {CheckSpec, Where} from '../../lesson/types.ts';
import type {Probes} from '../../host/probes.ts';
import {describeRoute, mainRoutes, normalizeDestination, type IpRoute} from '../../host/net/routes.ts';
import type {ContainerInfo} from '../../host/types.ts';
import type {CheckResult} from '../types.ts';
import {checkExclusive, checkOptions, firstProblem, flag} from '../options.ts';
import {fail, noContainerMessage, pass, skip} from '../result.ts';

const sides = ['host', 'container'] as const;

/** An IPv4 address, optionally with its prefix length. */
const ipv4 = /^(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?$/;

/** What the route check needs: the main routing table of the side it looks at. */
export type RouteData = {side: Where; container: ContainerInfo | null; routes: IpRoute[]};

/** The problem with a `route host|container DEST [via=ADDRESS] [dev=NAME] [absent]` line, if any. */
export function validate(check: CheckSpec): string | undefined {
	const [side, destination] = check.args;
	const {via} = check.options;
	return firstProblem(
		side === undefined || !(sides as readonly string[]).includes(side) ? `\`route\` needs \`host\` or \`container\` first, got \`${side ?? ''}\`` : undefined,
		destination === undefined ? '`route` needs a destination: `default` or a prefix such as 10.200.0.0/30' : undefined,
		destination !== undefined && destination !== 'default' && !destination.includes('{{') && !ipv4.test(destination) ? `\`${destination}\` is not \`default\` or an IPv4 prefix such as 10.200.0.0/30` : undefined,
		check.args.length > 2 ? `\`route\` takes a side and one destination, got ${check.args.length} words` : undefined,
		checkOptions(check, {values: ['via', 'dev'], flags: ['absent']}),
		via !== undefined && !via.includes('{{') && !/^(?:\d{1,3}\.){3}\d{1,3}$/.test(via) ? `\`via=${via}\` must be an IPv4 address` : undefined,
		checkExclusive(check, ['absent', 'via']),
		checkExclusive(check, ['absent', 'dev']),
	);
}

/** Reads the side's IPv4 routes (main table: what `ip route` shows). */
export async function probe(check: CheckSpec, probes: Probes): Promise<RouteData> {
	const side = check.args[0] === 'container' ? 'container' : 'host';
	const container = await probes.container();
	if (side === 'container' && container === null) {
		return {side, container, routes: []};
	}

	return {side, container, routes: mainRoutes(await probes.routes(side))};
}

/** Passes when the side routes DEST (via that gateway, through that device); with `absent`, when it does not. */
export function judge(check: CheckSpec, {side, container, routes}: RouteData): CheckResult {
	if (side === 'container' && container === null) {
		return skip(check, noContainerMessage);
	}

	const destination = normalizeDestination(check.args[1]!);
	const {via, dev} = check.options;
	const place = side === 'host' ? 'on the host' : 'in the container';
	const run = side === 'host' ? 'on the host run' : 'inside the container run';
	const expected = flag(check, 'absent') ? `no route to ${destination} ${place}` : `${describeWanted(destination, via, dev)} ${place}`;
	const found = routes.filter(route => normalizeDestination(route.dst) === destination && route.type === 'unicast');
	const actual = found.length === 0 ? `no route to ${destination}` : found.map(route => describeRoute(route)).join('; ');
	const details = {expected, actual};
	if (side === 'container' && container !== null && !container.own.includes('net')) {
		return fail(check, `this shell shares the host's network namespace, so the container has no routing table of its own: exit it and start it with unshare --net --fork --pid --mount-proc chroot ${container.root} /bin/bash`, {expected, actual: `pid ${container.pid} has no network namespace of its own`});
	}

	if (flag(check, 'absent')) {
		return found.length === 0
			? pass(check, `there is no route to ${destination} ${place}`, details)
			: fail(check, `there is a route to ${destination} ${place} (${actual}): ${run} ip route del ${destination}`, details);
	}

	if (found.length === 0) {
		return fail(check, missingMessage(destination, via, dev, side), details);
	}

	const match = found.find(route => (via === undefined || route.gateway === via) && (dev === undefined || route.dev === dev));
	if (match === undefined) {
		return fail(check, `the route to ${destination} ${place} is ${actual}, not ${describeWanted(destination, via, dev)}: ${run} ip route replace ${command(destination, via, dev)}`, details);
	}

	return pass(check, `the ${side} has a ${describeRoute(match)}`, details);
}

function missingMessage(destination: string, via: string | undefined, dev: string | undefined, side: Where): string {
	const run = side === 'host' ? 'on the host run' : 'inside the container run';
	if (destination === 'default') {
		// Without a default route only the connected subnets are reachable: `connect: Network is unreachable`.
		return `the ${side} has no default route, so it can reach only the subnets of its own addresses: ${run} ip route add ${command(destination, via, dev)}`;
	}

	if (via === undefined && dev !== undefined) {
		// A subnet's route appears by itself when an address with that prefix is put on the link.
		const length = destination.split('/')[1];
		return `there is no route to ${destination} ${side === 'host' ? 'on the host' : 'in the container'}: the kernel adds it when an address of that subnet is put on ${dev} with its prefix (ip addr add ADDRESS/${length} dev ${dev})`;
	}

	return `there is no route to ${destination} ${side === 'host' ? 'on the host' : 'in the container'}: ${run} ip route add ${command(destination, via, dev)}`;
}

function command(destination: string, via: string | undefined, dev: string | undefined): string {
	return [destination, via === undefined ? '' : `via ${via}`, dev === undefined ? '' : `dev ${dev}`].filter(Boolean).join(' ');
}

function describeWanted(destination: string, via: string | undefined, dev: string | undefined): string {
	return `${destination === 'default' ? 'a default route' : `a route to ${destination}`}${via === undefined ? '' : ` via ${via}`}${dev === undefined ? '' : ` dev ${dev}`}`;
}
