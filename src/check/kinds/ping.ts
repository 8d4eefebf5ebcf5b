import type {CheckSpec, Where} from '../../lesson/types.ts';
import type {CommandOutcome} from '../../host/tools/command.ts';
import {isResolved, type Neighbor} from '../../host/net/neighbors.ts';
import type {Probes} from '../../host/probes.ts';
import type {ContainerInfo} from '../../host/types.ts';
import type {CheckResult} from '../types.ts';
import {checkOptions, firstProblem} from '../options.ts';
import {fail, noContainerMessage, pass, skip} from '../result.ts';

const sides = ['host', 'container'] as const;

/** What the ping check needs: the side's ARP entry for the address, read before anything pings, and how a ping now went. */
export type PingData = {
	side: Where;
	container: ContainerInfo | null;
	address: string;
	dev: string;
	/** The side's neighbour entry for the address on dev, as it was before this round sent anything. */
	neighbor?: Neighbor;
	/** The ping this check sent, only once the entry shows the learner's own packets crossed the link. */
	outcome?: CommandOutcome;
};

/** The problem with a `ping host|container ADDRESS dev=NAME` line, if any. */
export function validate(check: CheckSpec): string | undefined {
	const [side, address] = check.args;
	const {dev} = check.options;
	return firstProblem(
		side === undefined || !(sides as readonly string[]).includes(side) ? `\`ping\` needs \`host\` or \`container\` first (where the ping starts), got \`${side ?? ''}\`` : undefined,
		address === undefined ? '`ping` needs the address to ping' : undefined,
		address !== undefined && !address.includes('{{') && !/^(?:\d{1,3}\.){3}\d{1,3}$/.test(address) ? `\`${address}\` is not an IPv4 address` : undefined,
		check.args.length > 2 ? `\`ping\` takes a side and one address, got ${check.args.length} words` : undefined,
		checkOptions(check, {values: ['dev']}),
		// The ping is bound to this link, so a check can never send a packet anywhere else.
		dev === undefined ? '`ping` needs dev=NAME: the link the ping must leave through' : undefined,
		dev !== undefined && !dev.includes('{{') && !/^[\w.@-]{1,15}$/.test(dev) ? `\`dev=${dev}\` is not an interface name` : undefined,
	);
}

/**
 * Reads both sides' ARP tables first, then pings only when this side already knows the address.
 * Both tables are read before either line of a step pings, since one ping teaches both ends each
 * other's MAC address: a check must never count its own packets as the learner's.
 */
export async function probe(check: CheckSpec, probes: Probes): Promise<PingData> {
	const side = check.args[0] === 'container' ? 'container' : 'host';
	const address = check.args[1]!;
	const dev = check.options.dev!;
	const container = await probes.container();
	const base = {side, container, address, dev} as const;
	if (side === 'container' && (!container?.own.includes('net'))) {
		return base;
	}

	const ownNet = container?.own.includes('net') ?? false;
	const [host, inside] = await Promise.all([probes.neighbors('host'), ownNet ? probes.neighbors('container') : []]);
	const neighbor = (side === 'host' ? host : inside).find(entry => entry.address === address && entry.dev === dev);
	if (neighbor === undefined || !isResolved(neighbor)) {
		return {...base, ...(neighbor === undefined ? {} : {neighbor})};
	}

	return {...base, neighbor, outcome: await probes.ping(side, address, dev)};
}

/** Passes when the side has already exchanged packets with the address over dev, and it answers a ping now. */
export function judge(check: CheckSpec, {side, container, address, dev, neighbor, outcome}: PingData): CheckResult {
	if (side === 'container' && container === null) {
		return skip(check, noContainerMessage);
	}

	const from = side === 'host' ? 'the host' : 'the container';
	const expected = `${address} answers ${from} on ${dev} (ARP has its MAC address)`;
	if (side === 'container' && !container!.own.includes('net')) {
		return fail(check, `this shell shares the host's network namespace, so the container has no link of its own to ping through: exit it and start it with unshare --net --fork --pid --mount-proc chroot ${container!.root} /bin/bash`, {expected, actual: `pid ${container!.pid} has no network namespace of its own`});
	}

	const send = side === 'host' ? `on the host run ${pingLine(address, dev)}` : `on the host run nsenter --net=/proc/${container!.pid}/ns/net ${pingLine(address, dev)} (or ping from the container's shell, if its rootfs has ping)`;
	if (neighbor === undefined) {
		return fail(check, `nothing has gone from ${from} to ${address} over ${dev} yet (ip neigh show dev ${dev} has no entry for it): ${send}`, {expected, actual: `no ARP entry for ${address} on ${dev}`});
	}

	if (!isResolved(neighbor)) {
		// ARP asked "who has ADDRESS?" on the link and nobody answered.
		return fail(check, `${from} asked for ${address}'s MAC address on ${dev} and got no answer (ARP ${neighbor.state.join(' ') || 'unresolved'}): the other end must be UP and hold ${address}; look with ip addr on both sides`, {expected, actual: `ARP ${neighbor.state.join(' ')}, no MAC address`});
	}

	const learned = `ARP learned ${neighbor.lladdr}`;
	if (outcome === undefined || outcome.error !== undefined) {
		return fail(check, `could not ping ${address}: ${outcome?.error ?? 'not run'}`, {expected, actual: `${learned}; ping not run`});
	}

	if (outcome.timedOut || outcome.exitCode !== 0) {
		const said = `${outcome.stdout}${outcome.stderr}`.split('\n').find(line => /unreachable|not found|no such device|100% packet loss/i.test(line))?.trim();
		return fail(check, `${address} does not answer a ping from ${from} on ${dev} now${said === undefined ? '' : ` (${said})`}: are both ends UP, with their addresses? ${send}`, {expected, actual: `${learned}; no answer now`});
	}

	return pass(check, `${address} answers ${from} on ${dev} (${learned})`, {expected, actual: `${learned}; answered now`});
}

function pingLine(address: string, dev: string): string {
	return `ping -c 1 -I ${dev} ${address}`;
}
