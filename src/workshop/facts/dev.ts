import {formatSize, summarizeText} from '../../check/format.ts';
import type {Probes} from '../../host/probes.ts';
import type {Entry} from '../../host/rootfs/entries.ts';
import type {Change, Snapshot} from '../api.ts';
import {listNames, mountKey, sameProcess, type Fact} from './fact.ts';

/** The container's /dev as the container sees it. */
export const devFact: Fact = {
	name: 'dev',
	read: async ({probes}) => ({containerDev: await readContainerDev(probes)}),
	changes: devChanges,
};

/** The container's /dev as the container sees it: through /proc/PID/root, which resolves in its mount namespace. */
async function readContainerDev(probes: Probes): Promise<Snapshot['containerDev']> {
	const container = await probes.container();
	return container === null ? null : probes.entries(`${probes.proc}/${container.pid}/root/dev`).catch(() => null);
}

/** Nodes, links and directories in the container's /dev, as the container sees it (within one shell's life). */
function devChanges(before: Snapshot, after: Snapshot): Change[] {
	if (!sameProcess(before.container, after.container) || !before.containerDev || !after.containerDev) {
		return [];
	}

	const had = new Map(before.containerDev.map(entry => [entry.name, entry]));
	const has = new Map(after.containerDev.map(entry => [entry.name, entry]));
	const devMount = (snapshot: Snapshot) => snapshot.containerMounts.findLast(mount => mount.target === '/dev');
	const [mountBefore, mountAfter] = [devMount(before), devMount(after)];
	const onTmpfs = mountAfter?.fstype === 'tmpfs' ? ' (on the container\'s tmpfs, not on disk)' : (mountAfter === undefined ? ' (in the rootfs, on disk)' : '');
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
		const covered = mountAfter !== undefined && (mountBefore === undefined || mountKey(mountBefore) !== mountKey(mountAfter));
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
