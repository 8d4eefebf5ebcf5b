import type {Link, Mount, NamespaceKind} from '../../host/types.ts';
import type {SetupState} from '../../workshop/api.ts';
import {line, toned, truncate, wrapWords, type Line, type Segment} from './lines.ts';

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

/** The columns inside a box `width` wide, between its borders and their padding. */
const innerWidth = (width: number): number => Math.max(4, width - 4);

function box(title: Segment[], rows: Line[], width: number, height: number): Line[] {
	const inner = innerWidth(width);
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

/** The two sides a veth end can be on: the lessons' host (a sandbox, inside one) and the container. */
type Sides = {here: string; there: string};

function linkRow(link: Link, sides: Sides, other: Link[]): Line {
	let peer: string;
	if (link.peer) {
		// Both ends on one side: the write-up's trap (`netns 1` inside the container) looks like this.
		peer = `⇄ ${link.peer} (${sides.here})`;
	} else if (link.peerElsewhere) {
		const found = other.find(candidate => candidate.index === link.peerIndex);
		peer = found ? `⇄ ${found.name} (${sides.there})` : '⇄ peer in another netns';
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

function hostRows(setup: SetupState, host: HostSide, inner: number): Line[] {
	const veths = setup.hostLinks.filter(link => link.kind === 'veth');
	return [
		// Wrapped, not cut: on a narrow box the half that says the host is untouched would be lost.
		...(host.note ? wrapWords(host.note, inner).map(text => line(toned('muted', text))) : []),
		line(toned('muted', 'rootfs '), setup.rootfs),
		...(veths.length > 0 ? veths.map(link => linkRow(link, {here: host.label, there: 'container'}, setup.containerLinks)) : [line(toned('muted', `no veth on the ${host.label}`))]),
	];
}

function containerRows(setup: SetupState, host: HostSide): Line[] {
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
		...veths.map(link => linkRow(link, {here: 'container', there: host.label}, setup.hostLinks)),
	];
	if (setup.containerOnlyMounts.length > 0) {
		rows.push(line(toned('muted', 'mounts only it sees:')), ...setup.containerOnlyMounts.map(mount => mountRow(mount)));
	} else {
		rows.push(line(toned('muted', 'no mounts of its own')));
	}

	return rows;
}

/** What the left box stands for: the real host, or (inside a sandbox) the sandbox the lessons take for it. */
type HostSide = {title: Segment[]; label: string; note?: string};

/** The left box of sandbox NAME, from its note ("sandbox NAME; the host's network is untouched"). */
function hostSide(sandbox: string | undefined): HostSide {
	if (!sandbox) {
		return {title: [toned('title', 'HOST')], label: 'host'};
	}

	const name = sandbox.split(';')[0]!.replace(/^sandbox /, '');
	return {title: [toned('title', 'SANDBOX'), toned('muted', ` ${name}`)], label: 'sandbox', note: 'its own network; the host\'s is untouched'};
}

/**
 * The live picture of the setup: a host box and a container box, side by side when there is
 * room. Drawn only from what the engine read from the host, never from progress. Inside a
 * sandbox (`sandbox`, its note) the host box is the sandbox's, and says the host is untouched.
 */
export function diagramLines(setup: SetupState | undefined, width: number, sandbox?: string): Line[] {
	if (!setup) {
		return [line(toned('muted', 'Reading the host…'))];
	}

	const side = hostSide(sandbox);
	const hostTitle = side.title;
	const containerTitle = setup.container
		? [toned('title', 'CONTAINER'), toned('muted', ` pid ${setup.container.pid}`)]
		: [toned('title', 'CONTAINER')];
	const container = containerRows(setup, side);
	if (width >= 64) {
		const half = Math.floor((width - 2) / 2);
		const host = hostRows(setup, side, innerWidth(half));
		const height = Math.max(host.length, container.length);
		const left = box(hostTitle, host, half, height);
		const right = box(containerTitle, container, half, height);
		return left.map((row, index) => [...row, {text: '  '}, ...right[index]!]);
	}

	const boxWidth = Math.max(20, width);
	const host = hostRows(setup, side, innerWidth(boxWidth));
	return [...box(hostTitle, host, boxWidth, host.length), ...box(containerTitle, container, boxWidth, container.length)];
}
