import {readOrEmpty} from '../rootfs/files.ts';

/** The `nameserver` addresses of a resolv.conf, in order. */
export function parseNameservers(text: string): string[] {
	return [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map(match => match[1]!);
}

/** Whether an address is loopback (127.0.0.0/8 or ::1): a stub only the host itself can reach. */
export function isLoopback(address: string): boolean {
	return address.startsWith('127.') || address === '::1' || /^(?:0*:)+0*1$/.test(address);
}

/** The first nameserver in `text` that a container can reach (not loopback). */
export function firstUpstream(text: string): string | undefined {
	return parseNameservers(text).find(address => !isLoopback(address));
}

/** The host's real upstream DNS server; behind systemd-resolved's 127.0.0.53 stub, the one it forwards to. */
export async function upstreamResolver({
	resolvConf = '/etc/resolv.conf',
	systemdResolvConf = '/run/systemd/resolve/resolv.conf',
}: {resolvConf?: string; systemdResolvConf?: string} = {}): Promise<string | undefined> {
	// Read synchronously, like every host fact: a thread-pool hop costs more than these small files.
	return firstUpstream(readOrEmpty(resolvConf)) ?? firstUpstream(readOrEmpty(systemdResolvConf));
}

