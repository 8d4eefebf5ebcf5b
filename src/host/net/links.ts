import type {Link} from '../types.ts';

type IpAddress = {local?: string; prefixlen?: number};
type IpLink = {
	ifindex?: number;
	ifname?: string;
	link?: string | null;
	link_index?: number;
	link_netnsid?: number;
	flags?: string[];
	operstate?: string;
	linkinfo?: {info_kind?: string};
	addr_info?: IpAddress[];
};

/** Turns `ip -json -d addr show` output into links. */
export function parseIpJson(text: string): Link[] {
	const raw = JSON.parse(text.trim() === '' ? '[]' : text) as IpLink[];
	const links = raw.filter(entry => typeof entry.ifname === 'string').map(entry => toLink(entry));
	// ip names a same-namespace peer but not its index; look it up so both cases carry peerIndex.
	for (const link of links) {
		if (link.peer !== undefined && link.peerIndex === undefined) {
			const index = links.find(other => other.name === link.peer)?.index;
			if (index !== undefined) {
				link.peerIndex = index;
			}
		}
	}

	return links;
}

function toLink(entry: IpLink): Link {
	// `link_netnsid` means the peer (or parent) lives in another namespace; `link` alone names it here.
	const peerElsewhere = entry.link_netnsid !== undefined;
	const link: Link = {
		name: entry.ifname!,
		index: entry.ifindex ?? 0,
		peerElsewhere,
		up: entry.flags?.includes('UP') ?? false,
		operstate: entry.operstate ?? 'UNKNOWN',
		addresses: (entry.addr_info ?? []).filter(address => address.local !== undefined).map(address => `${address.local}/${address.prefixlen}`),
	};
	if (entry.linkinfo?.info_kind !== undefined) {
		link.kind = entry.linkinfo.info_kind;
	}

	if (!peerElsewhere && typeof entry.link === 'string') {
		link.peer = entry.link;
	}

	if (entry.link_index !== undefined) {
		link.peerIndex = entry.link_index;
	}

	return link;
}
