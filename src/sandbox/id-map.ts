import {spawnSync} from 'node:child_process';
import {readFileSync} from 'node:fs';
import {userInfo} from 'node:os';

/** A block of subordinate ids, as /etc/subuid writes it (`name:start:count`). */
export type IdRange = {start: number; count: number};

/**
 * The ids a rootless sandbox maps besides its maker (who is root inside): the maker's first
 * /etc/subuid and /etc/subgid blocks, as uids and gids 1..count inside, the way rootless podman
 * maps them (`newuidmap PID 0 UID 1 1 START COUNT`). Then apt's `_apt` and a `chown` to another
 * user exist inside; on the host they are the subordinate ids, which belong to no one else.
 */
export type IdMap = {uid: IdRange; gid: IdRange};

/** The first block of `user` (by name or uid) in an /etc/subuid or /etc/subgid text. */
export const firstRange = (text: string, user: string, id: number): IdRange | undefined => {
	for (const line of text.split('\n')) {
		const [who, start, count] = line.trim().split(':');
		if ((who === user || who === String(id)) && Number(count) > 0 && /^\d+$/.test(start ?? '')) {
			return {start: Number(start), count: Number(count)};
		}
	}

	return undefined;
};

const read = (path: string): string => {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return '';
	}
};

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** Why this user's rootless sandbox maps one uid only, or its map: read from /etc/subuid, /etc/subgid and PATH. */
export const planIdMap = ({user = userInfo().username, uid = process.getuid?.() ?? 0, etc = '/etc'}: {user?: string; uid?: number; etc?: string} = {}): IdMap | {single: string} => {
	// newgidmap, like newuidmap, looks its caller up by name or by uid in both files.
	const uids = firstRange(read(`${etc}/subuid`), user, uid);
	const gids = firstRange(read(`${etc}/subgid`), user, uid);
	if (!uids || !gids) {
		return {single: `${user} has no ${uids ? '/etc/subgid' : '/etc/subuid'} range`};
	}

	const missing = ['newuidmap', 'newgidmap'].filter(tool => !has(tool));
	if (missing.length > 0) {
		return {single: `${user} has /etc/subuid ranges, but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed (apt-get install uidmap)`};
	}

	return {uid: uids, gid: gids};
};

/** The map a rootless sandbox made now would have: none as root (no user namespace), nor without ranges. */
export const rootlessIdMap = (): IdMap | undefined => {
	if (process.getuid?.() === 0) {
		return undefined;
	}

	const planned = planIdMap();
	return 'uid' in planned ? planned : undefined;
};

/**
 * `unshare`'s options for a user namespace where the caller is root: with a map, util-linux
 * runs newuidmap and newgidmap for both the caller's own id and the block in one go; without
 * one, it writes the single mapping itself (and denies setgroups, as the kernel asks).
 */
export const unshareUserOptions = (map: IdMap | undefined): string[] => [
	'--map-root-user',
	...(map ? [`--map-users=${map.uid.start},1,${map.uid.count}`, `--map-groups=${map.gid.start},1,${map.gid.count}`] : []),
];
