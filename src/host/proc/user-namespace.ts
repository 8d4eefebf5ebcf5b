import {accessSync, constants, readFileSync} from 'node:fs';
import {readCgroupHierarchy} from '../cgroup/cgroup.ts';
import {outsideId, parseIdMap} from './rootless.ts';

/**
 * The user namespace rootcamp itself runs in. Only the initial one may make device nodes or
 * mount cgroup v1; any other (a rootless engine's, `unshare --user`, a rootless sandbox) holds
 * root's capabilities over its own namespaces only.
 */
export type OwnUserNamespace = {initial: true} | {initial: false; rootOnHost: number | undefined};

/**
 * Tells the initial namespace by its map, `0 0 4294967295`, the whole ID space onto itself: the
 * namespace's inode number cannot tell it, and a map that large is what only the initial one has
 * in practice (a child needs root outside to be given it).
 */
export const userNamespaceOf = (uidMap: string): OwnUserNamespace => {
	const map = parseIdMap(uidMap);
	const whole = map.length === 1 && map[0]!.inside === 0 && map[0]!.outside === 0 && map[0]!.count === 4_294_967_295;
	return whole ? {initial: true} : {initial: false, rootOnHost: outsideId(map, 0)};
};

/** This process's user namespace; a kernel without user namespaces has no uid_map, and only the initial one. */
export const readOwnUserNamespace = ({proc = '/proc'}: {proc?: string} = {}): OwnUserNamespace => {
	try {
		return userNamespaceOf(readFileSync(`${proc}/self/uid_map`, 'utf8'));
	} catch {
		return {initial: true};
	}
};

/**
 * Whether this process may make control groups: a pids and memory hierarchy is mounted and its
 * root is writable. In a user namespace neither holds unless a v2 subtree was delegated to the
 * user and mounted (the kernel never mounts a v1 hierarchy there).
 */
export const canWriteCgroups = ({proc = '/proc'}: {proc?: string} = {}): boolean => {
	const hierarchy = readCgroupHierarchy({proc});
	if (hierarchy.version === 'none') {
		return false;
	}

	try {
		for (const root of new Set(Object.values(hierarchy.roots))) {
			accessSync(root, constants.W_OK);
		}

		return true;
	} catch {
		return false;
	}
};
