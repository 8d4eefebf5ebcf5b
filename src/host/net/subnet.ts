import type {Link} from '../types.ts';
import type {IpRoute} from './routes.ts';

/**
 * Where the wire lesson may put its veth pair, in order of preference: small /30s in private
 * ranges that home and office networks rarely use. The first that overlaps nothing on the host wins.
 */
export const wireCandidates = ['10.200.0.0/30', '10.231.0.0/30', '172.31.200.0/30', '192.168.231.0/30'] as const;

/** A /30 for the veth pair: the host end takes its first address, the container end the second. */
export type WireSubnet = {subnet: string; prefix: number; hostAddress: string; containerAddress: string};

type Prefix = {network: number; length: number};

/** Parses an IPv4 `a.b.c.d/len` (or a bare address, a /32); undefined for anything else (IPv6, `default`). */
export function parseIpv4Prefix(text: string): Prefix | undefined {
	const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text);
	if (!match) {
		return undefined;
	}

	const octets = match.slice(1, 5).map(Number);
	const length = match[5] === undefined ? 32 : Number(match[5]);
	if (octets.some(octet => octet > 255) || length > 32) {
		return undefined;
	}

	const address = octets.reduce((sum, octet) => (sum * 256) + octet, 0);
	return {network: mask(address, length), length};
}

/** True when two IPv4 prefixes share any address (one contains the other). */
export function overlaps(a: string, b: string): boolean {
	const [left, right] = [parseIpv4Prefix(a), parseIpv4Prefix(b)];
	if (left === undefined || right === undefined) {
		return false;
	}

	const shorter = Math.min(left.length, right.length);
	return mask(left.network, shorter) === mask(right.network, shorter);
}

/**
 * The prefixes the host already uses: every IPv4 route of every table except default routes
 * (they cover everything, and a more specific route wins over them), and every IPv4 address's
 * subnet. Routes and addresses on `ignore` (the lesson's own veth ends) do not count, so the
 * choice stays the same once the lesson has put its addresses there.
 */
export function takenPrefixes(routes: IpRoute[], links: Link[], {ignore = []}: {ignore?: string[]} = {}): string[] {
	const fromRoutes = routes
		.filter(route => route.dev === undefined || !ignore.includes(route.dev))
		.map(route => route.dst)
		.filter(dst => dst !== 'default' && parseIpv4Prefix(dst)?.length !== 0);
	const fromAddresses = links
		.filter(link => !ignore.includes(link.name))
		.flatMap(link => link.addresses)
		.filter(address => parseIpv4Prefix(address) !== undefined);
	return [...fromRoutes, ...fromAddresses];
}

/** The first candidate /30 that overlaps nothing taken, split into its two usable addresses. */
export function chooseWireSubnet(taken: string[], candidates: readonly string[] = wireCandidates): WireSubnet | undefined {
	const free = candidates.find(candidate => !taken.some(prefix => overlaps(candidate, prefix)));
	if (free === undefined) {
		return undefined;
	}

	const {network, length} = parseIpv4Prefix(free)!;
	return {subnet: `${format(network)}/${length}`, prefix: length, hostAddress: format(network + 1), containerAddress: format(network + 2)};
}

function mask(address: number, length: number): number {
	// 2 ** (32 - length) avoids JavaScript's 32-bit shifts, which wrap at length 0.
	const size = 2 ** (32 - length);
	return Math.floor(address / size) * size;
}

function format(address: number): string {
	return [24, 16, 8, 0].map(shift => Math.floor(address / (2 ** shift)) % 256).join('.');
}
