import {posix} from 'node:path';
import type {Mount} from '../types.ts';

/** A directory named the way every mount table names it: its filesystem's device and its path inside that filesystem. */
export type MountSource = {device: string; root: string};

/** True when `path` is `base` or lies under it. */
const under = (path: string, base: string) => base === '/' || path === base || path.startsWith(`${base}/`);

/**
 * Where a host directory lives, from the host's own mount table: the topmost mount that holds
 * it, and the path inside that mount's filesystem. A bind mount of the directory shows this same
 * device and root in any mount namespace, under any mount point: that is how a pivoted jail,
 * whose `/` the host cannot name, is told apart.
 */
export function sourceOf(mounts: Mount[], path: string): MountSource | undefined {
	const holder = mounts.filter(mount => under(path, mount.target)).reduce<Mount | undefined>(
		// The deepest mount point wins; among mounts on the same point, the last one is on top.
		(best, mount) => (best === undefined || mount.target.length >= best.target.length ? mount : best),
		undefined,
	);
	if (holder?.device === undefined || holder.root === undefined) {
		return undefined;
	}

	const rest = holder.target === '/' ? path : path.slice(holder.target.length);
	return {device: holder.device, root: posix.join(holder.root, rest || '/')};
}

/** True when a mount shows exactly that directory (a bind mount of it, or its own mount). */
export function showsSource(mount: Mount, source: MountSource): boolean {
	return mount.device === source.device && mount.root !== undefined && posix.normalize(mount.root) === posix.normalize(source.root);
}
