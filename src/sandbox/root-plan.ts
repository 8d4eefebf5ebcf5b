import {existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, symlinkSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import type {Paths} from '../workshop/paths.ts';
import type {SandboxGroups} from './cgroups.ts';
import type {SandboxLayout} from './layout.ts';

/** Top-level names the sandbox has of its own, never the host's: the kernel's views, scratch space, the rootfs. */
const ownNames = new Set(['proc', 'sys', 'tmp', 'ubunturoot', '.rootcamp-host']);

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
 * `/sys`, `/tmp`. After pivot_root: sysfs, `/tmp`, `/dev/shm`, the cgroup filesystems, and
 * rootcamp's state and cache bound from the sandbox's own.
 */
export const planRoot = (layout: SandboxLayout, paths: Paths, groups: SandboxGroups): RootPlan => {
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

	for (const own of ['proc', 'sys', 'tmp', '.rootcamp-host']) {
		mkdirSync(join(layout.root, own), {recursive: true});
	}

	const cgroupParents = [...new Set(groups.mounts.map(mount => dirname(mount.target)).filter(parent => parent.startsWith('/sys/fs/')))];
	const after = [
		fstabLine('sysfs', '/sys', 'sysfs', 'nosuid,nodev,noexec'),
		fstabLine('tmp', '/tmp', 'tmpfs', 'mode=1777,nosuid,nodev'),
		...(existsSync('/dev/shm') ? [fstabLine('shm', '/dev/shm', 'tmpfs', 'mode=1777,nosuid,nodev')] : []),
		...cgroupParents.map(parent => fstabLine('cgroup', parent, 'tmpfs', 'mode=755')),
		...groups.mounts.map(mount => (mount.version === 'v2'
			? fstabLine('cgroup2', mount.target, 'cgroup2', 'X-mount.mkdir')
			: fstabLine('cgroup', mount.target, 'cgroup', `${mount.controllers.join(',')},X-mount.mkdir`))),
		fstabLine(layout.cache, paths.cache, 'none', 'bind,X-mount.mkdir'),
		fstabLine(layout.state, paths.state, 'none', 'bind,X-mount.mkdir'),
	];
	return {before: `${binds.join('\n')}\n`, after: `${after.join('\n')}\n`};
};
