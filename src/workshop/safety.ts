import {realpathSync} from 'node:fs';
import {dirname, isAbsolute, normalize} from 'node:path';
import {UsageError} from '../errors.ts';

/** Folders a rootfs must never be: deleting or unpacking over them would wreck the host. */
const systemDirectories = new Set([
	'/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib32', '/lib64', '/libx32', '/media', '/mnt', '/opt',
	'/proc', '/root', '/run', '/sbin', '/srv', '/sys', '/tmp', '/usr', '/var', '/var/tmp', '/var/lib', '/var/cache',
	'/var/log', '/usr/local', '/usr/lib', '/usr/bin', '/usr/sbin', '/usr/share', '/snap', '/lost+found',
]);

/** Trees no rootfs may live in at all. */
const forbiddenTrees = ['/proc', '/sys', '/dev', '/run', '/boot', '/etc', '/usr'];

/** Resolves symlinks in the part of a path that exists, so `/opt/x -> /` is seen for what it is. */
const resolveExisting = (path: string): string => {
	try {
		return realpathSync(path);
	} catch {
		const parent = dirname(path);
		return parent === path ? path : `${resolveExisting(parent).replace(/\/$/, '')}/${path.slice(parent.length).replace(/^\//, '')}`;
	}
};

/**
 * Accepts a rootfs path only if it is absolute, reached without `..`, not `/`, not a system
 * directory (or the home folder) and not inside /proc, /sys, /dev, /etc, /usr, … — a typo here
 * would otherwise let `reset --purge` delete part of the learner's own system.
 */
export const validateRootfs = (path: string, home = process.env.HOME ?? '/root'): string => {
	if (!isAbsolute(path)) {
		throw new UsageError(`the rootfs must be an absolute path (got "${path}"): for example --rootfs /ubunturoot`);
	}

	if (path.split('/').includes('..')) {
		throw new UsageError(`the rootfs path must not go through ".." (got "${path}")`);
	}

	const resolved = resolveExisting(normalize(path)).replace(/(.)\/$/, '$1');
	if (resolved === '/') {
		throw new UsageError(`the rootfs cannot be / (got "${path}")`);
	}

	if (systemDirectories.has(resolved) || resolved === normalize(home).replace(/(.)\/$/, '$1')) {
		throw new UsageError(`the rootfs cannot be the system directory ${resolved}: choose a new folder such as /ubunturoot`);
	}

	const tree = forbiddenTrees.find(top => resolved.startsWith(`${top}/`));
	if (tree) {
		throw new UsageError(`the rootfs cannot live under ${tree} (got "${path}"): choose a new folder such as /ubunturoot`);
	}

	return resolved;
};

export {validateInterfaceName} from '../lesson/interface-names.ts';

/** Accepts a PID as given on the command line: a positive whole number. */
export const validatePid = (text: string): number => {
	if (!/^\d+$/.test(text) || Number(text) < 1) {
		throw new UsageError(`"${text}" is not a process ID: expected a positive whole number`);
	}

	return Number(text);
};
