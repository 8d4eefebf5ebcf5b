import {posix} from 'node:path';
import type {CheckSpec} from '../../lesson/types.ts';
import type {Probes} from '../../host/probes.ts';
import type {ContainerInfo, Mount} from '../../host/types.ts';
import type {CheckResult} from '../types.ts';
import {checkOptions, checkPath, firstProblem, flag} from '../options.ts';
import {fail, noContainerMessage, pass, skip} from '../result.ts';

const sides = ['container', 'host'] as const;

/** What the mount check needs: the mount table of the side it looks at. */
export type MountData = {side: 'container' | 'host'; target: string; container: ContainerInfo | null; mounts: Mount[]};

/** The problem with a `mount container|host PATH [type=FSTYPE] [absent]` line, if any. */
export function validate(check: CheckSpec): string | undefined {
	const [side, path] = check.args;
	return firstProblem(
		side === undefined || !(sides as readonly string[]).includes(side) ? `\`mount\` needs \`container\` or \`host\` first, got \`${side ?? ''}\`` : undefined,
		checkPath(path, 'the mount point'),
		check.args.length > 2 ? `\`mount\` takes a side and one path, got ${check.args.length} words` : undefined,
		checkOptions(check, {values: ['type'], flags: ['absent']}),
		check.options.type !== undefined && flag(check, 'absent') ? '`absent` and `type` cannot be combined' : undefined,
	);
}

/** Reads the container's mount table (relative to its root) or rootcamp's own. */
export async function probe(check: CheckSpec, probes: Probes): Promise<MountData> {
	const side = check.args[0] === 'host' ? 'host' : 'container';
	const target = normalize(check.args[1]!);
	if (side === 'host') {
		return {side, target, container: null, mounts: await probes.hostMounts()};
	}

	const container = await probes.container();
	return {side, target, container, mounts: container === null ? [] : await probes.containerMounts()};
}

/** Passes when something (of `type`) is mounted at the path as that side sees it; with `absent`, when nothing is. */
export function judge(check: CheckSpec, {side, target, container, mounts}: MountData): CheckResult {
	if (side === 'container' && container === null) {
		return skip(check, noContainerMessage);
	}

	// The last mount at a path is the one on top: it is what a process sees there.
	const mount = mounts.filter(candidate => normalize(candidate.target) === target).at(-1);
	const type = check.options.type;
	const seen = side === 'container' ? 'inside the container' : 'on the host';
	const expected = flag(check, 'absent') ? `nothing mounted on ${target}` : `${type ?? 'a filesystem'} mounted on ${target}`;
	const actual = mount === undefined ? `nothing mounted on ${target}` : `${mount.fstype} (${mount.source}) mounted on ${target}`;
	const details = {expected, actual};
	if (flag(check, 'absent')) {
		return mount === undefined
			? pass(check, `nothing is mounted on ${target} ${seen}`, details)
			: fail(check, `${mount.fstype} is still mounted on ${target} ${seen}: unmount it with umount ${target}`, details);
	}

	if (mount === undefined) {
		return fail(check, missingMessage(side, target, type), details);
	}

	if (type !== undefined && mount.fstype !== type) {
		return fail(check, `${target} has ${mount.fstype} mounted ${seen}, not ${type}: umount ${target}, then mount -t ${type} ${type} ${target}`, details);
	}

	return pass(check, `${mount.fstype} is mounted on ${target} ${seen}`, details);
}

function missingMessage(side: 'container' | 'host', target: string, type: string | undefined): string {
	if (side === 'host') {
		return `nothing is mounted on ${target} on the host${type === undefined ? '' : `: mount -t ${type} ${type} ${target}`}`;
	}

	if (target === '/proc') {
		// --mount-proc mounted proc on the host's /proc path, outside the chroot: the shell cannot see it.
		return '/proc is not mounted inside the container, so ps and top have nothing to read: inside the container run mount -t proc proc /proc (mkdir -p /proc first if it is missing)';
	}

	return `nothing is mounted on ${target} inside the container${type === undefined ? '' : `: inside the container run mount -t ${type} ${type} ${target}`}`;
}

function normalize(path: string): string {
	return posix.normalize(path).replace(/(.)\/+$/, '$1');
}
