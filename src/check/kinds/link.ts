import type {CheckSpec} from '../../lesson/types.ts';
import type {Probes} from '../../host/probes.ts';
import type {ContainerInfo, Link} from '../../host/types.ts';
import type {CheckResult} from '../types.ts';
import {checkExclusive, checkOptions, firstProblem, flag} from '../options.ts';
import {fail, noContainerMessage, pass, skip} from '../result.ts';

const sides = ['host', 'container'] as const;

/** Linux keeps interface names to 15 bytes (IFNAMSIZ - 1). */
const maxNameLength = 15;

/** What the link check needs: links on the side it looks at, and on the other side to explain a miss. */
export type LinkData = {
	side: 'host' | 'container';
	container: ContainerInfo | null;
	links: Link[];
	/** Links on the other side, when there is one to read (for "still on the host" and the peer's name). */
	otherLinks?: Link[];
};

/** The interface it names is one the lessons make: its own addresses are never "taken", reset looks for it. */
export const watches = (check: CheckSpec) => ({links: check.args[0] !== undefined && !check.args[0].includes('{{') ? [check.args[0]] : []});

/** The problem with a `link NAME in=host|container [kind=] [peer=] [up] [down] [address=CIDR] [absent] [if-present]` line. */
export function validate(check: CheckSpec): string | undefined {
	const [name] = check.args;
	const side = check.options.in;
	return firstProblem(
		name === undefined ? '`link` needs an interface name' : undefined,
		check.args.length > 1 ? `\`link\` takes one interface name, got ${check.args.length}` : undefined,
		name !== undefined && !name.includes('{{') && name.length > maxNameLength ? `interface name \`${name}\` is longer than ${maxNameLength} characters` : undefined,
		checkOptions(check, {values: ['in', 'kind', 'peer', 'address'], flags: ['up', 'down', 'absent', 'if-present']}),
		checkAddress(check.options.address),
		side === undefined ? '`link` needs in=host or in=container' : undefined,
		side !== undefined && !(sides as readonly string[]).includes(side) ? `\`in=${side}\` must be host or container` : undefined,
		checkExclusive(check, ['up', 'down']),
		checkExclusive(check, ['absent', 'if-present']),
		...['kind', 'peer', 'up', 'down', 'address'].map(option => checkExclusive(check, ['absent', option])),
	);
}

/** Reads the links of the side the check names, and of the other side when it can. */
export async function probe(check: CheckSpec, probes: Probes): Promise<LinkData> {
	const side = check.options.in === 'container' ? 'container' : 'host';
	const container = await probes.container();
	const ownNet = container?.own.includes('net') ?? false;
	if (side === 'container') {
		if (container === null) {
			return {side, container, links: []};
		}

		const [links, otherLinks] = await Promise.all([probes.containerLinks(), probes.hostLinks()]);
		return {side, container, links, otherLinks};
	}

	const [links, otherLinks] = await Promise.all([probes.hostLinks(), ownNet ? probes.containerLinks().catch(() => undefined) : undefined]);
	return {side, container, links, ...(otherLinks === undefined ? {} : {otherLinks})};
}

/** Passes when the interface is in that namespace with the kind, peer and state asked for. */
export function judge(check: CheckSpec, data: LinkData): CheckResult {
	const name = check.args[0]!;
	const {side, container} = data;
	const place = side === 'host' ? 'on the host' : 'in the container\'s network namespace';
	const expected = describeExpected(check, place);
	if (side === 'container' && container === null) {
		return skip(check, noContainerMessage, {expected});
	}

	const sharesNet = container !== null && !container.own.includes('net');
	const link = data.links.find(candidate => candidate.name === name);
	const actual = link === undefined ? `no ${name} ${place}` : describeLink(link);
	const details = {expected, actual};
	if (flag(check, 'absent')) {
		if (link === undefined) {
			return pass(check, `${name} is not ${place}`, details);
		}

		if (side === 'host' && sharesNet) {
			return fail(check, `${name} is still on the host: the container shares the host's network namespace, so there is nowhere to move it — exit the container's shell and start it again with unshare --net`, details);
		}

		const remedy = side === 'host' ? `move it with ip link set ${name} netns ${container?.pid ?? 'PID'}, or delete it with ip link del ${name}` : `delete it with ip link del ${name}`;
		return fail(check, `${name} is still ${place}: ${remedy}`, details);
	}

	if (side === 'container' && sharesNet) {
		return fail(check, `this shell shares the host's network namespace, so the container has no network of its own to hold ${name}: exit it and start it with unshare --net --fork --pid --mount-proc chroot ${container.root} /bin/bash`, {expected, actual: `pid ${container.pid} has no network namespace of its own`});
	}

	if (link === undefined) {
		if (flag(check, 'if-present')) {
			return pass(check, `${name} is not ${place} (nothing to check)`, details);
		}

		return fail(check, missingMessage(check, data), details);
	}

	const {kind} = check.options;
	if (kind !== undefined && link.kind !== kind) {
		return fail(check, `${name} is ${link.kind === undefined ? 'a plain device' : `a ${link.kind}`}, not a ${kind}: delete it and create it with ip link add … type ${kind}`, details);
	}

	const peerProblem = checkPeer(check, link, data);
	if (peerProblem !== undefined) {
		return fail(check, peerProblem, details);
	}

	const run = side === 'host' ? '' : ` (from the host: nsenter --net=/proc/${container!.pid}/ns/net ip link set ${name} up)`;
	if (flag(check, 'up') && !link.up) {
		// Moving a link into another namespace sets it down, even if it was up before the move.
		// A new network namespace has only lo, and down; any other link arrives down from a move.
		const moved = side === 'container' ? (name === 'lo' ? ' (a new network namespace starts with lo down)' : ' (moving a link into another namespace sets it down)') : '';
		return fail(check, `${name} is DOWN${moved}: set it up with ip link set ${name} up${run}`, details);
	}

	if (flag(check, 'down') && link.up) {
		return fail(check, `${name} is UP: set it down with ip link set ${name} down`, details);
	}

	const addressProblem = checkLinkAddress(check, link, side);
	if (addressProblem !== undefined) {
		return fail(check, addressProblem, details);
	}

	return pass(check, `${name} is ${place} (${actual})`, details);
}

/** The problem with an `address=` option's value: an IPv4 or IPv6 address with its prefix length. */
function checkAddress(address: string | undefined): string | undefined {
	if (address === undefined || address === 'true' || address.includes('{{')) {
		return undefined;
	}

	const [ip, length, extra] = address.split('/');
	const valid = extra === undefined && length !== undefined && /^\d{1,3}$/.test(length)
		&& (/^(?:\d{1,3}\.){3}\d{1,3}$/.test(ip!) ? Number(length) <= 32 : /^[\da-f:]+$/i.test(ip!) && ip!.includes(':') && Number(length) <= 128);
	return valid ? undefined : `\`address=${address}\` must be an address with its prefix length, such as 10.200.0.1/30`;
}

/** Whether the link holds the `address=` asked for; a different prefix length on the same address is named. */
function checkLinkAddress(check: CheckSpec, link: Link, side: 'host' | 'container'): string | undefined {
	const wanted = check.options.address;
	if (wanted === undefined || link.addresses.some(address => address.toLowerCase() === wanted.toLowerCase())) {
		return undefined;
	}

	const name = check.args[0]!;
	const where = side === 'host' ? 'on the host run' : 'inside the container run';
	const [ip] = wanted.split('/');
	const near = link.addresses.find(address => address.split('/')[0] === ip);
	if (near !== undefined) {
		// The prefix length decides which addresses are "on the link": the wrong one breaks the route.
		return `${name} has ${near}, not ${wanted}: the prefix length decides which addresses the kernel routes through ${name}; ${where} ip addr del ${near} dev ${name}; ip addr add ${wanted} dev ${name}`;
	}

	const others = link.addresses.filter(address => !address.toLowerCase().startsWith('fe80:'));
	return `${name} has no address ${wanted}${others.length > 0 ? ` (it has ${others.join(', ')})` : ''}: ${where} ip addr add ${wanted} dev ${name}`;
}

function missingMessage(check: CheckSpec, {side, container, otherLinks}: LinkData): string {
	const name = check.args[0]!;
	const onHost = side === 'container' && otherLinks?.some(link => link.name === name);
	if (onHost && container !== null) {
		// The write-up's trap: inside the container `echo $$` prints 1, and `netns 1` means the host's init.
		return `${name} is still on the host, not in the container: it was probably moved to the wrong PID (inside the container \`echo $$\` says 1, and \`ip link set ${name} netns 1\` names the host's PID 1, whose namespace is the host's). The container's shell is pid ${container.pid} on the host: run ip link set ${name} netns ${container.pid}`;
	}

	const elsewhere = side === 'host' && otherLinks?.some(link => link.name === name);
	if (elsewhere) {
		return `${name} is not on the host: it is in the container's network namespace (pid ${container?.pid})`;
	}

	const {peer} = check.options;
	const create = check.options.kind === 'veth' && peer !== undefined ? `: create it with ip link add ${name} type veth peer name ${peer}` : '';
	return `there is no interface ${name} ${side === 'host' ? 'on the host' : 'in the container\'s network namespace'}${create}`;
}

function checkPeer(check: CheckSpec, link: Link, {links, otherLinks, side}: LinkData): string | undefined {
	const {peer} = check.options;
	if (peer === undefined) {
		return undefined;
	}

	const name = check.args[0]!;
	if (!link.peerElsewhere) {
		const here = link.peer ?? (link.peerIndex === undefined ? undefined : links.find(other => other.index === link.peerIndex)?.name);
		return here === peer ? undefined : `${name}'s peer is ${here ?? 'nothing'}, not ${peer}: recreate the pair with ip link add ${name} type veth peer name ${peer}`;
	}

	// Interface indexes are per namespace: match the index only among the other side's links.
	if (otherLinks === undefined) {
		return undefined;
	}

	const there = otherLinks.find(other => other.index === link.peerIndex);
	if (there?.name === peer) {
		return undefined;
	}

	const otherPlace = side === 'host' ? 'the container' : 'the host';
	return `${name}'s peer is in another network namespace, but not ${otherPlace}'s as ${peer}: it may have been moved into the wrong namespace`;
}

function describeExpected(check: CheckSpec, place: string): string {
	const name = check.args[0]!;
	if (flag(check, 'absent')) {
		return `no ${name} ${place}`;
	}

	const parts = [`${name} ${place}`];
	if (check.options.kind !== undefined) {
		parts.push(check.options.kind);
	}

	if (check.options.peer !== undefined) {
		parts.push(`peer ${check.options.peer}`);
	}

	if (flag(check, 'up')) {
		parts.push('UP');
	}

	if (flag(check, 'down')) {
		parts.push('DOWN');
	}

	if (check.options.address !== undefined) {
		parts.push(`address ${check.options.address}`);
	}

	return `${parts.join(', ')}${flag(check, 'if-present') ? ' (if present)' : ''}`;
}

function describeLink(link: Link): string {
	const peer = link.peer ?? (link.peerElsewhere ? 'in another namespace' : undefined);
	return [link.kind ?? 'device', peer === undefined ? '' : `peer ${peer}`, link.up ? 'UP' : 'DOWN', ...link.addresses].filter(Boolean).join(', ');
}
