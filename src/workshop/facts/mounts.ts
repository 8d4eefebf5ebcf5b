import {posix} from 'node:path';
import type {Mount} from '../../host/types.ts';
import type {Change, Snapshot} from '../api.ts';
import {sameProcess, subtractMounts, type Fact} from './fact.ts';

/** The container's mount table, and the host's mounts at or under the rootfs. */
export const mountsFact: Fact = {
	name: 'mounts',
	async read({probes}) {
		const [containerMounts, hostMounts] = await Promise.all([probes.containerMounts(), probes.hostMounts()]);
		return {containerMounts, hostMounts: underRoot(hostMounts, probes.rootfs)};
	},
	changes: (before, after, {rootfs}) => mountChanges(before, after, rootfs),
};

/** Host mounts at or under the rootfs: the ones a container step can add or leave behind. */
export function underRoot(mounts: Mount[], rootfs: string): Mount[] {
	const root = rootfs.replace(/\/+$/, '');
	return mounts.filter(mount => mount.target === root || mount.target.startsWith(`${root}/`));
}

function mountChanges(before: Snapshot, after: Snapshot, rootfs: string): Change[] {
	const hostAdded = subtractMounts(after.hostMounts, before.hostMounts);
	const hostRemoved = subtractMounts(before.hostMounts, after.hostMounts);
	const hostUnchanged = hostAdded.length === 0 && hostRemoved.length === 0;
	const changes: Change[] = [];
	// A container mount is compared only within one shell's life; a new shell is reported as started instead.
	if (sameProcess(before.container, after.container)) {
		for (const mount of subtractMounts(after.containerMounts, before.containerMounts)) {
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

		for (const mount of subtractMounts(before.containerMounts, after.containerMounts)) {
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
