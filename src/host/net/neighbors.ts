/** One IPv4 neighbour (ARP) entry, from `ip -4 -json neigh show`. */
export type Neighbor = {
	address: string;
	dev: string;
	/** The MAC address ARP learned; missing while unresolved (INCOMPLETE) or after it failed (FAILED). */
	lladdr?: string;
	/** REACHABLE, STALE, DELAY, PROBE, INCOMPLETE, FAILED, PERMANENT… */
	state: string[];
};

type IpNeighJson = {dst?: string; dev?: string; lladdr?: string; state?: string[]};

/** Turns `ip -json neigh show` output into entries; `dev` fills in where ip leaves it out (`show dev X`). */
export function parseIpNeighbors(text: string, dev?: string): Neighbor[] {
	const raw = JSON.parse(text.trim() === '' ? '[]' : text) as IpNeighJson[];
	return raw.filter(entry => typeof entry.dst === 'string' && (entry.dev ?? dev) !== undefined).map(entry => ({
		address: entry.dst!,
		dev: (entry.dev ?? dev)!,
		...(entry.lladdr === undefined ? {} : {lladdr: entry.lladdr}),
		state: entry.state ?? [],
	}));
}

/** True when the entry holds a MAC address ARP learned: an answer came back across the link. */
export function isResolved(neighbor: Neighbor): boolean {
	return neighbor.lladdr !== undefined && !neighbor.state.includes('FAILED') && !neighbor.state.includes('INCOMPLETE');
}
