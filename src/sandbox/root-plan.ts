import {existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import type {Paths} from '../workshop/paths.ts';
import type {SandboxGroups} from './cgroups.ts';
import type {SandboxLayout} from './layout.ts';

/**
 * Top-level names the sandbox has of its own, never the host's: the kernel's views, scratch
 * space, the rootfs, and `/run`, where `ip netns add` leaves its name files and runc its
 * state: bound from the host's, they would land in the host's /run and outlive the sandbox.
 */
const ownNames = new Set(['proc', 'sys', 'tmp', 'run', 'ubunturoot', '.rootcamp-host']);

/**
 * The host's trees under /run that the sandbox still reads, bound read-only into its own:
 * systemd-resolved's files, where /etc/resolv.conf points on many hosts and where rootcamp
 * finds the upstream DNS server behind the 127.0.0.53 stub.
 */
const hostRunTrees = ['systemd/resolve'];

/** A path as fstab spells it: whitespace and backslashes in octal. */
const fstabPath = (path: string) => path.replaceAll(/[\s\\]/g, character => `\\${character.codePointAt(0)!.toString(8).padStart(3, '0')}`);

const fstabLine = (source: string, target: string, type: string, options: string) => `${fstabPath(source)} ${fstabPath(target)} ${type} ${options} 0 0`;

/** The two fstabs the holder mounts with one `mount --all` each: before pivot_root, and after it. */
export type RootPlan = {before: string; after: string};

/**
 * Lays out the sandbox's `/` on the host's disk and writes what the holder mounts on it, so the
 * holder needs two `mount --all` instead of a process per mount (on a busy 2-core host each
 * process costs milliseconds). Made here, in the host's view: a mount point per top-level tree
 * of the host (the one holding the sandbox first: its copy is made before the binds that follow
 * land in it), its symlinks as they are (`/bin -> usr/bin`), and the sandbox's own `/proc`,
 * `/sys`, `/tmp`, `/run`. After pivot_root: sysfs, `/tmp`, `/run` (with `/run/lock` and the
 * host's resolver files), `/dev/shm`, the cgroup filesystems, rootcamp itself where it lives
 * under one of those (`carry`: the folders of the running command and of node), and rootcamp's
 * state and cache bound from the sandbox's own.
 */
export const planRoot = (layout: SandboxLayout, paths: Paths, groups: SandboxGroups, {hostRun = '/run', carry = []}: {hostRun?: string; carry?: string[]} = {}): RootPlan => {
	const first = layout.root.split('/')[1]!;
	const names = [first, ...readdirSync('/').filter(name => name !== first)].filter(name => !ownNames.has(name));
	const binds: string[] = [];
	for (const name of names) {
		const source = `/${name}`;
		const target = join(layout.root, name);
		const stat = lstatSync(source, {throwIfNoEntry: false});
		if (!stat) {
			continue;
		}

		if (stat.isSymbolicLink()) {
			if (!lstatSync(target, {throwIfNoEntry: false})) {
				symlinkSync(readlinkSync(source), target);
			}
		} else if (stat.isDirectory()) {
			mkdirSync(target, {recursive: true});
			binds.push(fstabLine(source, target, 'none', 'rbind'));
		} else {
			if (!existsSync(target)) {
				writeFileSync(target, '');
			}

			binds.push(fstabLine(source, target, 'none', 'bind'));
		}
	}

	for (const own of ['proc', 'sys', 'tmp', 'run', '.rootcamp-host']) {
		mkdirSync(join(layout.root, own), {recursive: true});
	}

	const cgroupParents = [...new Set(groups.mounts.map(mount => dirname(mount.target)).filter(parent => parent.startsWith('/sys/fs/')))];
	const after = [
		fstabLine('sysfs', '/sys', 'sysfs', 'nosuid,nodev,noexec'),
		fstabLine('tmp', '/tmp', 'tmpfs', 'mode=1777,nosuid,nodev'),
		fstabLine('run', '/run', 'tmpfs', 'mode=755,nosuid,nodev'),
		fstabLine('lock', '/run/lock', 'tmpfs', 'mode=1777,nosuid,nodev,noexec,X-mount.mkdir'),
		// The host's tree is still in view under the old root, until the holder unmounts it. In a
		// user namespace the host's nosuid, nodev and noexec are locked on the bind: the remount
		// that makes it read-only must keep them, or the kernel refuses it.
		...hostRunTrees.filter(tree => existsSync(join(hostRun, tree))).map(tree => fstabLine(join('/.rootcamp-host', hostRun, tree), join('/run', tree), 'none', 'bind,ro,nosuid,nodev,noexec,X-mount.mkdir')),
		...(existsSync('/dev/shm') ? [fstabLine('shm', '/dev/shm', 'tmpfs', 'mode=1777,nosuid,nodev')] : []),
		...cgroupParents.map(parent => fstabLine('cgroup', parent, 'tmpfs', 'mode=755')),
		...groups.mounts.map(mount => (mount.version === 'v2'
			? fstabLine('cgroup2', mount.target, 'cgroup2', 'X-mount.mkdir')
			: fstabLine('cgroup', mount.target, 'cgroup', `${[...mount.controllers, ...mount.flags ?? []].join(',')},X-mount.mkdir`))),
		// rootcamp itself, where it lives under a tree the sandbox has its own of (a clone in /tmp):
		// bound from the host's, at the same path, so the command that enters finds it.
		...carry.filter(path => ownNames.has(path.split('/')[1]!)).map(path => fstabLine(join('/.rootcamp-host', path), path, 'none', 'rbind,X-mount.mkdir')),
		fstabLine(layout.cache, paths.cache, 'none', 'bind,X-mount.mkdir'),
		fstabLine(layout.state, paths.state, 'none', 'bind,X-mount.mkdir'),
	];
	return {before: `${binds.join('\n')}\n`, after: `${after.join('\n')}\n`};
};
