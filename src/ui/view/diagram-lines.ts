import type {Link, Mount, NamespaceKind} from '../../host/types.ts';
import type {SetupState} from '../../workshop/api.ts';
import {line, toned, truncate, type Line, type Segment} from './lines.ts';

// The namespace kinds the lessons give the container; the others stay shared and are not drawn.
const drawnKinds: NamespaceKind[] = ['pid', 'mnt', 'net', 'uts'];

/** Cuts a row to exactly `width` columns: truncated with `…`, or padded with spaces. */
export function fitLine(row: Line, width: number): Line {
	const fitted: Line = [];
	let used = 0;
	for (const segment of row) {
		if ('spinner' in segment) {
			if (used + 1 > width) {
				break;
			}

			fitted.push(segment);
			used += 1;
			continue;
		}

		const room = width - used;
		if (room <= 0) {
			break;
		}

		const size = [...segment.text].length;
		if (size <= room) {
			fitted.push(segment);
			used += size;
		} else {
			fitted.push({...segment, text: truncate(segment.text, room)});
			used = width;
		}
	}

	if (used < width) {
		fitted.push({text: ' '.repeat(width - used)});
	}

	return fitted;
}

function box(title: Segment[], rows: Line[], width: number, height: number): Line[] {
	const inner = Math.max(4, width - 4);
	const titleWidth = title.reduce((sum, segment) => sum + ('spinner' in segment ? 1 : [...segment.text].length), 0);
	const fill = Math.max(0, width - 5 - titleWidth);
	const top = line(toned('border', '┌─ '), ...fitLine(title, Math.min(titleWidth, width - 5)), toned('border', ` ${'─'.repeat(fill)}┐`));
	const body = [...rows];
	while (body.length < height) {
		body.push([]);
	}

	return [
		top,
		...body.map(row => line(toned('border', '│ '), ...fitLine(row, inner), toned('border', ' │'))),
		line(toned('border', `└${'─'.repeat(Math.max(0, width - 2))}┘`)),
	];
}

function linkRow(link: Link, here: 'host' | 'container', other: Link[]): Line {
	let peer: string;
	if (link.peer) {
		// Both ends on one side: the write-up's trap (`netns 1` inside the container) looks like this.
		peer = `⇄ ${link.peer} (${here})`;
	} else if (link.peerElsewhere) {
		const found = other.find(candidate => candidate.index === link.peerIndex);
		const side = here === 'host' ? 'container' : 'host';
		peer = found ? `⇄ ${found.name} (${side})` : '⇄ peer in another netns';
	} else {
		peer = '';
	}

	return line(
		link.name,
		' ',
		link.up ? toned('pass', 'UP') : toned('fail', 'DOWN'),
		link.addresses.length > 0 && ` ${link.addresses.join(' ')}`,
		peer && toned('muted', ` ${peer}`),
	);
}

function mountRow(mount: Mount): Line {
	return line('  ', mount.target, toned('muted', ` ${mount.fstype}`));
}

function hostRows(setup: SetupState): Line[] {
	const veths = setup.hostLinks.filter(link => link.kind === 'veth');
	return [
		line(toned('muted', 'rootfs '), setup.rootfs),
		...(veths.length > 0 ? veths.map(link => linkRow(link, 'host', setup.containerLinks)) : [line(toned('muted', 'no veth on the host'))]),
	];
}

function containerRows(setup: SetupState): Line[] {
	const {container} = setup;
	if (!container) {
		return [line(toned('muted', 'not running')), line(toned('muted', 'start it in lesson "enter"'))];
	}

	const own = drawnKinds.filter(kind => container.own.includes(kind));
	const shared = drawnKinds.filter(kind => !container.own.includes(kind));
	const veths = setup.containerLinks.filter(link => link.kind === 'veth');
	const rows: Line[] = [
		line(toned('muted', 'own ns   '), own.length > 0 ? toned('pass', own.join(' ')) : toned('muted', 'none')),
		line(toned('muted', 'shares   '), shared.length > 0 ? shared.join(' ') : toned('muted', 'nothing')),
		...veths.map(link => linkRow(link, 'container', setup.hostLinks)),
	];
	if (setup.containerOnlyMounts.length > 0) {
		rows.push(line(toned('muted', 'mounts only it sees:')), ...setup.containerOnlyMounts.map(mount => mountRow(mount)));
	} else {
		rows.push(line(toned('muted', 'no mounts of its own')));
	}

	return rows;
}

/**
 * The live picture of the setup: a host box and a container box, side by side when there is
 * room. Drawn only from what the engine read from the host, never from progress.
 */
export function diagramLines(setup: SetupState | undefined, width: number): Line[] {
	if (!setup) {
		return [line(toned('muted', 'Reading the host…'))];
	}

	const hostTitle = [toned('title', 'HOST')];
	const containerTitle = setup.container
		? [toned('title', 'CONTAINER'), toned('muted', ` pid ${setup.container.pid}`)]
		: [toned('title', 'CONTAINER')];
	const host = hostRows(setup);
	const container = containerRows(setup);
	if (width >= 64) {
		const half = Math.floor((width - 2) / 2);
		const height = Math.max(host.length, container.length);
		const left = box(hostTitle, host, half, height);
		const right = box(containerTitle, container, half, height);
		return left.map((row, index) => [...row, {text: '  '}, ...right[index]!]);
	}

	const boxWidth = Math.max(20, width);
	return [...box(hostTitle, host, boxWidth, host.length), ...box(containerTitle, container, boxWidth, container.length)];
}
