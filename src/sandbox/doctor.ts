import {spawnSync} from 'node:child_process';
import {readFileSync, statSync} from 'node:fs';
import {userInfo} from 'node:os';
import type {Finding} from '../workshop/doctor.ts';
import {planIdMap, type IdMap} from './id-map.ts';

const read = (path: string): string | undefined => {
	try {
		return readFileSync(path, 'utf8').trim();
	} catch {
		return undefined;
	}
};

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** Why an ordinary user cannot make a user namespace on this host, or undefined when one can. */
export const whyNoUserNamespaces = (proc = '/proc'): string | undefined => {
	if (read(`${proc}/sys/kernel/unprivileged_userns_clone`) === '0') {
		return 'kernel.unprivileged_userns_clone is 0 (sysctl -w kernel.unprivileged_userns_clone=1)';
	}

	if (read(`${proc}/sys/kernel/apparmor_restrict_unprivileged_userns`) === '1') {
		return 'AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1)';
	}

	return read(`${proc}/sys/user/max_user_namespaces`) === '0' ? 'user.max_user_namespaces is 0' : undefined;
};

/** What a rootless sandbox of `user` maps: their subordinate ids, or why only they are mapped. */
export const idMapFinding = (user: string, map: IdMap | {single: string}): string => ('uid' in map
	? `${user}'s /etc/subuid and /etc/subgid blocks (${map.uid.count} uids from ${map.uid.start}, ${map.gid.count} gids from ${map.gid.start}) are uids and gids 1 and up inside (newuidmap, newgidmap), so apt's _apt and a chown to another user work`
	: `${map.single}: only ${user} is mapped (to root), so apt's _apt cannot drop to its own uid and a chown to another user fails`);

/**
 * What `doctor` says of sandboxes on this host. Informational (every finding is ok): the
 * workshop itself needs none of this, and a host without it still runs the workshop as root.
 */
export const sandboxFindings = (): Finding[] => {
	const user = process.env.SUDO_USER ?? userInfo().username;
	const uid = Number(process.env.SUDO_UID ?? process.getuid?.() ?? 0);
	const noUserns = whyNoUserNamespaces();
	const idMap = planIdMap({user, uid});
	let tunForUsers = false;
	try {
		tunForUsers = (statSync('/dev/net/tun').mode & 0o006) === 0o006;
	} catch {}

	return [
		{name: 'sandbox network', ok: true, detail: has('slirp4netns') ? 'slirp4netns gives each sandbox a way out (the apt lessons work inside one)' : 'no slirp4netns: sandboxes have no way out, and their apt steps fail (apt-get install slirp4netns)'},
		{
			name: 'rootless sandbox',
			ok: true,
			detail: noUserns
				? `an ordinary user cannot make one here: ${noUserns}`
				: [
					'an ordinary user can make one (a user namespace mapping them to root inside)',
					'the write-up\'s four lessons on the busybox route run in it',
					// The judge skips these steps by the same host fact (its own uid_map), whatever the route.
					'the limits lesson is skipped (cgroup v1 is never mounted in a user namespace; v2 needs a delegated subtree)',
					'so is the dev lesson\'s nodes step, on every route, and the debootstrap route cannot run (mknod is refused in a user namespace)',
					tunForUsers && has('slirp4netns') ? 'its network works (/dev/net/tun is open to users)' : 'no network: slirp4netns needs /dev/net/tun open to users (crw-rw-rw-), so the apt steps fail',
					idMapFinding(user, idMap),
				].join('; '),
		},
	];
};
