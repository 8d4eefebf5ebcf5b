import {joinWords} from '../../check/format.ts';
import type {Link} from '../../host/types.ts';
import type {Change, Snapshot} from '../api.ts';
import type {JournalEntry} from '../journal.ts';
import {sameProcess, type Fact} from './fact.ts';

/**
 * Network links on the host and in the container's own network namespace. Read first in a
 * snapshot: `ip` runs in another process while this one reads /proc and the files. A listing
 * that fails (no `ip`) explains nothing, and must not stop the step itself.
 */
export const linksFact: Fact = {
	name: 'links',
	readFirst: true,
	async read({probes}) {
		const [hostLinks, containerLinks] = await Promise.all([probes.hostLinks().catch((): Link[] => []), probes.containerLinks().catch((): Link[] => [])]);
		return {hostLinks, containerLinks};
	},
	changes: linkChanges,
	/** A veth pair that appeared: both ends, so reset deletes the pair even if one end moved. */
	journal(before, after) {
		const hostBefore = new Set(before.hostLinks.map(link => link.name));
		return after.hostLinks.filter(link => !hostBefore.has(link.name) && link.kind === 'veth')
			.flatMap((link): JournalEntry[] => [{kind: 'link', name: link.name}, ...(link.peer ? [{kind: 'link' as const, name: link.peer}] : [])]);
	},
	async leftovers({probes, lessonLinks}) {
		// Only a pair the lessons make: `lo` is named by a check too, and the host's own lo is no leftover.
		return (await probes.hostLinks()).filter(link => lessonLinks.has(link.name) && link.kind === 'veth')
			.map(link => `the interface ${link.name} was not made by rootcamp: remove it with ip link del ${link.name}`);
	},
};

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
	const same = sameProcess(before.container, after.container);
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
