import type {Probes} from '../host/probes.ts';
import type {Link, Mount} from '../host/types.ts';
import type {FileFact, Snapshot} from './api.ts';

/** Reads everything "what changed" compares, in parallel, from one round's probes. */
export async function takeSnapshot(probes: Probes, watchedPaths: string[]): Promise<Snapshot> {
	const [container, containerMounts, hostMounts, hostLinks, containerLinks, files, packages, aptLists] = await Promise.all([
		probes.container(),
		probes.containerMounts(),
		probes.hostMounts().then(mounts => underRoot(mounts, probes.rootfs)),
		// A snapshot explains a step; a link listing that fails (no `ip`) must not stop the step itself.
		probes.hostLinks().catch((): Link[] => []),
		probes.containerLinks().catch((): Link[] => []),
		readFiles(probes, watchedPaths),
		probes.packages().then(names => names ?? []),
		probes.aptLists(),
	]);
	return {container, containerMounts, hostMounts, hostLinks, containerLinks, files, packages, aptLists};
}

/** Host mounts at or under the rootfs: the ones a container step can add or leave behind. */
export function underRoot(mounts: Mount[], rootfs: string): Mount[] {
	const root = rootfs.replace(/\/+$/, '');
	return mounts.filter(mount => mount.target === root || mount.target.startsWith(`${root}/`));
}

async function readFiles(probes: Probes, paths: string[]): Promise<Record<string, FileFact | null>> {
	const unique = [...new Set(paths)];
	// Resolve like the file check does, so a rootfs symlink never leads the snapshot onto the host.
	const facts = await Promise.all(unique.map(async path => (await probes.resolve(path, {follow: false})).fact));
	return Object.fromEntries(unique.map((path, index) => [path, facts[index] ?? null]));
}
