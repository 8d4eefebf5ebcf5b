import {posix} from 'node:path';
import {formatSize, joinWords, summarizeText} from '../check/format.ts';
import type {Entry} from '../host/rootfs/entries.ts';
import type {Neighbor} from '../host/net/neighbors.ts';
import {describeRoute, type IpRoute} from '../host/net/routes.ts';
import type {ContainerInfo, Link, Mount} from '../host/types.ts';
import type {Change, FileFact, Snapshot} from './api.ts';
import {isolationChanges} from './diff-isolation.ts';
import {subtractBy} from './multiset.ts';

/** At most this many package names are listed before "and N more". */
const maxPackageNames = 6;

/** Describes in words what differs between two snapshots: container, mounts, links, files, then packages. */
export function describeChanges(before: Snapshot, after: Snapshot, {rootfs}: {rootfs: string}): Change[] {
	return [
		...containerChanges(before.container, after.container),
		...namespaceChanges(before.container, after.container),
		...hostnameChanges(before, after),
		...mountChanges(before, after, rootfs),
		...devChanges(before, after),
		...linkChanges(before, after),
		...routeChanges(before, after),
		...neighborChanges(before, after),
		...fileChanges(before.files, after.files),
		...packageChanges(before, after),
		...isolationChanges(before, after),
	];
}

/** The same shell in both snapshots: same PID and same start time (a PID can be reused). */
function sameContainer(a: ContainerInfo | null, b: ContainerInfo | null): boolean {
	return a !== null && b !== null && a.pid === b.pid && a.startTime === b.startTime;
}

function containerChanges(before: ContainerInfo | null, after: ContainerInfo | null): Change[] {
	if (before === null && after === null) {
		return [];
	}

	if (sameContainer(before, after)) {
		return [];
	}

	const changes: Change[] = [];
	if (before !== null) {
		changes.push({sign: '-', text: `container (pid ${before.pid}) ended`});
	}

	if (after !== null) {
		const own = after.own.length === 0 ? 'no namespaces of its own' : `its own ${after.own.join(', ')} namespaces`;
		changes.push({sign: '+', text: `container started: pid ${after.pid} with ${own}`});
	}

	return changes;
}

function mountChanges(before: Snapshot, after: Snapshot, rootfs: string): Change[] {
	const hostAdded = subtract(after.hostMounts, before.hostMounts);
	const hostRemoved = subtract(before.hostMounts, after.hostMounts);
	const hostUnchanged = hostAdded.length === 0 && hostRemoved.length === 0;
	const changes: Change[] = [];
	// A container mount is compared only within one shell's life; a new shell is reported as started instead.
	if (sameContainer(before.container, after.container)) {
		for (const mount of subtract(after.containerMounts, before.containerMounts)) {
			const onHost = posix.join(rootfs, mount.target);
			const twin = hostAdded.findIndex(host => host.target === onHost && host.fstype === mount.fstype);
			let where;
			if (twin === -1) {
				where = hostUnchanged ? 'container only; host mounts unchanged' : 'container only';
			} else {
				// Without its own mount namespace the container's mount shows on the host too: say it once.
				hostAdded.splice(twin, 1);
				where = `also on the host at ${onHost}: the container shares the host's mount namespace`;
			}

			changes.push({sign: '+', text: `${mount.fstype} mounted on ${mount.target} (${where})`});
		}

		for (const mount of subtract(before.containerMounts, after.containerMounts)) {
			changes.push({sign: '-', text: `${mount.fstype} unmounted from ${mount.target} (container)`});
		}
	}

	for (const mount of hostAdded) {
		changes.push({sign: '+', text: `${mount.fstype} mounted on ${mount.target} (on the host)`});
	}

	for (const mount of hostRemoved) {
		changes.push({sign: '-', text: `${mount.fstype} unmounted from ${mount.target} (on the host)`});
	}

	return changes;
}

/** Mounts in `a` and not in `b`, counting duplicates. */
function subtract(a: Mount[], b: Mount[]): Mount[] {
	return subtractBy(a, b, key);
}

function key(mount: Mount): string {
	return `${mount.fstype}\0${mount.source}\0${mount.target}`;
}

/** The container's links count only when it has a network namespace of its own; else they are the host's. */
function containerSide(snapshot: Snapshot): Map<string, Link> {
	return byName(snapshot.container?.own.includes('net') ? snapshot.containerLinks : []);
}

function byName(links: Link[]): Map<string, Link> {
	return new Map(links.map(link => [link.name, link]));
}

function linkChanges(before: Snapshot, after: Snapshot): Change[] {
	const beforeHost = byName(before.hostLinks);
	const afterHost = byName(after.hostLinks);
	const beforeCont = containerSide(before);
	const afterCont = containerSide(after);
	const same = sameContainer(before.container, after.container);
	const afterPid = after.container?.pid;
	const beforePid = before.container?.pid;
	const names = new Set([...beforeHost.keys(), ...afterHost.keys(), ...beforeCont.keys(), ...afterCont.keys()]);
	const changes: Change[] = [];
	for (const name of names) {
		const [bh, ah, bc, ac] = [beforeHost.get(name), afterHost.get(name), beforeCont.get(name), afterCont.get(name)];
		if (bh !== undefined && ah === undefined && ac !== undefined && bc === undefined) {
			changes.push({sign: '~', text: `${name} moved: host → container netns (pid ${afterPid}), now ${state(ac)}`});
			continue;
		}

		if (bc !== undefined && ac === undefined && ah !== undefined && bh === undefined) {
			changes.push({sign: '~', text: `${name} moved: container netns → host, now ${state(ah)}`});
			continue;
		}

		changes.push(...sideChanges(name, bh, ah, 'on the host', 'from the host'));
		if (same) {
			changes.push(...sideChanges(name, bc, ac, `in the container netns (pid ${afterPid})`, 'from the container netns'));
		} else if (bc !== undefined && name !== 'lo') {
			// Ending the last process of a network namespace destroys its virtual links with it.
			changes.push({sign: '-', text: `${name} gone with the container's network namespace (pid ${beforePid})`});
		}
	}

	return changes;
}

function sideChanges(name: string, before: Link | undefined, after: Link | undefined, place: string, fromPlace: string): Change[] {
	if (before === undefined && after === undefined) {
		return [];
	}

	if (before === undefined) {
		return [{sign: '+', text: `${name} created ${place} (${describeLink(after!)})`}];
	}

	if (after === undefined) {
		return [{sign: '-', text: `${name} removed ${fromPlace}`}];
	}

	const changes: Change[] = [];
	if (before.up !== after.up) {
		changes.push({sign: '~', text: `${name}: ${state(before)} → ${state(after)}`});
	}

	// Link-local IPv6 addresses come and go by themselves as a link goes up and down.
	const added = after.addresses.filter(address => !before.addresses.includes(address) && !isLinkLocal(address));
	const removed = before.addresses.filter(address => !after.addresses.includes(address) && !isLinkLocal(address));
	if (added.length > 0) {
		changes.push({sign: '+', text: `${name}: address ${joinWords(added)} added`});
	}

	if (removed.length > 0) {
		changes.push({sign: '-', text: `${name}: address ${joinWords(removed)} removed`});
	}

	return changes;
}

function describeLink(link: Link): string {
	const peer = link.peer === undefined ? (link.peerElsewhere ? 'peer in another namespace' : undefined) : `peer ${link.peer}`;
	return [link.kind ?? 'device', peer].filter(Boolean).join(', ');
}

function state(link: Link): string {
	return link.up ? 'UP' : 'DOWN';
}

function isLinkLocal(address: string): boolean {
	return address.toLowerCase().startsWith('fe80:');
}

function fileChanges(before: Record<string, FileFact | null>, after: Record<string, FileFact | null>): Change[] {
	const changes: Change[] = [];
	for (const path of Object.keys(after)) {
		// A path watched in only one snapshot has nothing to compare with.
		if (!(path in before)) {
			continue;
		}

		changes.push(...fileChange(path, before[path] ?? null, after[path] ?? null));
	}

	return changes;
}

function fileChange(path: string, before: FileFact | null, after: FileFact | null): Change[] {
	if (before === null && after === null) {
		return [];
	}

	if (before === null) {
		return [{sign: '+', text: created(path, after!)}];
	}

	if (after === null) {
		return [{sign: '-', text: `${path} removed`}];
	}

	if (before.type !== after.type) {
		return [{sign: '~', text: `${path}: ${describeFile(before)} → ${describeFile(after)}`}];
	}

	const changes: Change[] = [];
	if (after.type === 'symlink') {
		if (before.target !== after.target) {
			changes.push({sign: '~', text: `${path} now points to ${after.target} (was ${before.target})`});
		}

		return changes;
	}

	if (before.mode !== after.mode) {
		changes.push({sign: '~', text: `${path} mode ${before.mode} → ${after.mode}`});
	}

	if (after.type === 'file') {
		if (before.preview !== undefined && after.preview !== undefined) {
			if (before.preview !== after.preview) {
				changes.push({sign: '~', text: `${path} changed (${summarizeText(before.preview, 50)} → ${summarizeText(after.preview, 50)})`});
			}
		} else if (before.size !== after.size) {
			changes.push({sign: '~', text: `${path} changed (${formatSize(before.size)} → ${formatSize(after.size)})`});
		}
	}

	return changes;
}

function created(path: string, fact: FileFact): string {
	switch (fact.type) {
		case 'dir': {
			return `${path} created (dir, mode ${fact.mode})`;
		}

		case 'symlink': {
			return `${path} created (symlink → ${fact.target})`;
		}

		case 'file': {
			return `${path} (${fact.preview === undefined ? formatSize(fact.size) : summarizeText(fact.preview, 50)})`;
		}

		default: {
			return `${path} created (special file)`;
		}
	}
}

function describeFile(fact: FileFact): string {
	switch (fact.type) {
		case 'symlink': {
			return `symlink (→ ${fact.target})`;
		}

		case 'file': {
			return `file (${fact.preview === undefined ? formatSize(fact.size) : summarizeText(fact.preview, 50)})`;
		}

		case 'dir': {
			return `dir (mode ${fact.mode})`;
		}

		default: {
			return 'special file';
		}
	}
}

function packageChanges(before: Snapshot, after: Snapshot): Change[] {
	const changes: Change[] = [];
	if (before.aptLists === 0 && after.aptLists > 0) {
		changes.push({sign: '+', text: `apt lists downloaded (${after.aptLists} index files)`});
	} else if (before.aptLists > 0 && after.aptLists === 0) {
		changes.push({sign: '-', text: 'apt lists removed'});
	} else if (before.aptLists !== after.aptLists) {
		changes.push({sign: '~', text: `apt lists refreshed (${before.aptLists} → ${after.aptLists} index files)`});
	}

	const had = new Set(before.packages);
	const has = new Set(after.packages);
	const added = after.packages.filter(name => !had.has(name));
	const removed = before.packages.filter(name => !has.has(name));
	if (added.length > 0) {
		// A rootfs that had no dpkg database was unpacked, not apt-installed into.
		changes.push(before.packages.length === 0
			? {sign: '+', text: `the rootfs now has ${count(added.length, 'installed package')} (a dpkg database appeared)`}
			: {sign: '+', text: `${count(added.length, 'package')} installed in the rootfs: ${listNames(added)}`});
	}

	if (removed.length > 0) {
		changes.push({sign: '-', text: `${count(removed.length, 'package')} removed from the rootfs: ${listNames(removed)}`});
	}

	return changes;
}

/** Up to six names, the ones a learner asked for first: libraries are almost always pulled-in dependencies. */
function listNames(names: string[]): string {
	const ordered = [...names].sort((a, b) => Number(a.startsWith('lib')) - Number(b.startsWith('lib')) || a.localeCompare(b));
	const shown = ordered.slice(0, maxPackageNames);
	const rest = ordered.length - shown.length;
	return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

function count(n: number, noun: string): string {
	return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The same shell gained (or lost) namespaces of its own: `exec unshare --uts` keeps the PID and changes the namespace. */
function namespaceChanges(before: ContainerInfo | null, after: ContainerInfo | null): Change[] {
	if (!sameContainer(before, after)) {
		return [];
	}

	const gained = after!.own.filter(kind => !before!.own.includes(kind));
	const lost = before!.own.filter(kind => !after!.own.includes(kind));
	return [
		...(gained.length > 0 ? [{sign: '~' as const, text: `the container's shell (pid ${after!.pid}, same process) now has its own ${joinWords(gained)} namespace${gained.length > 1 ? 's' : ''}`}] : []),
		...(lost.length > 0 ? [{sign: '~' as const, text: `the container's shell (pid ${after!.pid}) now shares the host's ${joinWords(lost)} namespace${lost.length > 1 ? 's' : ''}`}] : []),
	];
}

function hostnameChanges(before: Snapshot, after: Snapshot): Change[] {
	const [was, is] = [before.hostnames, after.hostnames];
	if (was === undefined || is === undefined) {
		return [];
	}

	const changes: Change[] = [];
	const sharesUts = after.container !== null && !after.container.own.includes('uts');
	if (was.host !== undefined && is.host !== undefined && was.host !== is.host) {
		changes.push({sign: '~', text: `the host's hostname: ${was.host} → ${is.host}${sharesUts ? ' (the container shares the host\'s UTS namespace)' : ''}`});
	}

	if (sameContainer(before.container, after.container) && !sharesUts && was.container !== undefined && is.container !== undefined && was.container !== is.container) {
		const host = is.host === undefined || was.host !== is.host ? '' : ` (the host is still ${is.host})`;
		changes.push({sign: '~', text: `the container's hostname: ${was.container} → ${is.container}${host}`});
	}

	return changes;
}

/** Nodes, links and directories in the container's /dev, as the container sees it (within one shell's life). */
function devChanges(before: Snapshot, after: Snapshot): Change[] {
	if (!sameContainer(before.container, after.container) || !before.containerDev || !after.containerDev) {
		return [];
	}

	const had = new Map(before.containerDev.map(entry => [entry.name, entry]));
	const has = new Map(after.containerDev.map(entry => [entry.name, entry]));
	const devMount = (snapshot: Snapshot) => snapshot.containerMounts.filter(mount => mount.target === '/dev').at(-1);
	const [mountBefore, mountAfter] = [devMount(before), devMount(after)];
	const onTmpfs = mountAfter?.fstype === 'tmpfs' ? ' (on the container\'s tmpfs, not on disk)' : mountAfter === undefined ? ' (in the rootfs, on disk)' : '';
	const changes: Change[] = [];
	for (const entry of after.containerDev) {
		const old = had.get(entry.name);
		if (old === undefined) {
			changes.push({sign: '+', text: `/dev/${entry.name}: ${describeEntry(entry)}${onTmpfs}`});
		} else if (describeEntry(old) !== describeEntry(entry)) {
			changes.push({sign: '~', text: `/dev/${entry.name}: ${describeEntry(old)} → ${describeEntry(entry)}`});
		}
	}

	const gone = before.containerDev.filter(entry => !has.has(entry.name)).map(entry => entry.name);
	if (gone.length > 0) {
		// A new mount on /dev does not delete the rootfs's entries: it covers them.
		const covered = mountAfter !== undefined && (mountBefore === undefined || key(mountBefore) !== key(mountAfter));
		changes.push({sign: '-', text: `${covered ? 'hidden by the new mount on /dev' : 'gone from the container\'s /dev'}: ${listNames(gone)}`});
	}

	return changes;
}

function describeEntry({fact}: Entry): string {
	if (fact.type === 'other') {
		const kind = {char: 'character device', block: 'block device', fifo: 'FIFO', socket: 'socket'}[fact.special ?? 'fifo'];
		return `${kind}${fact.rdev === undefined ? '' : ` ${fact.rdev}`}, mode ${fact.mode}`;
	}

	if (fact.type === 'symlink') {
		return `symlink → ${fact.target}`;
	}

	return fact.type === 'dir' ? 'directory' : `regular file (${fact.preview === undefined ? formatSize(fact.size) : summarizeText(fact.preview, 30)})`;
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
	return sameContainer(before.container, after.container) && before.container!.own.includes('net') && after.container!.own.includes('net');
}
