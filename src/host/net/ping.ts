import type {Where} from '../../lesson/types.ts';
import {runArgv, type CommandOutcome} from '../tools/command.ts';

/** An IPv4 address, four dotted numbers: all a ping check may send to. */
const ipv4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
/** An interface name as the kernel accepts it (no spaces, `/` or `:`), and nothing a shell would read. */
const interfaceName = /^[\w.@-]{1,15}$/;

/**
 * The command that sends one ping (1 s to answer) to `address` through `dev` only. `-I dev`
 * binds the socket to the interface, so the packet can leave through that link and no other,
 * whatever the routes say. The container's side runs the host's ping in the container's network
 * namespace: the rootfs may have no ping at all (a minbase Debian does not).
 */
export function pingArgv(where: Where, address: string, dev: string, {pid, proc = '/proc'}: {pid?: number; proc?: string} = {}): string[] {
	if (!ipv4.test(address)) {
		throw new Error(`not an IPv4 address: ${address}`);
	}

	if (!interfaceName.test(dev)) {
		throw new Error(`not an interface name: ${dev}`);
	}

	// -n: numeric output, so the ping never asks a DNS server about the address.
	const ping = ['ping', '-n', '-c', '1', '-W', '1', '-I', dev, address];
	if (where === 'host') {
		return ping;
	}

	if (pid === undefined) {
		throw new Error('no container to ping from');
	}

	return ['nsenter', `--net=${proc}/${pid}/ns/net`, ...ping];
}

/** Sends the ping and says how it ended; never throws. */
export async function sendPing(where: Where, address: string, dev: string, options: {pid?: number; proc?: string} = {}): Promise<CommandOutcome> {
	let argv;
	try {
		argv = pingArgv(where, address, dev, options);
	} catch (error) {
		return {stdout: '', stderr: '', timedOut: false, error: (error as Error).message};
	}

	// Started directly, with no shell between: the ping is the whole command.
	return runArgv(argv, {timeout: 5000});
}
