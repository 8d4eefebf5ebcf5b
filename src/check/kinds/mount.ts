import {posix} from 'node:path';
import type {CheckSpec} from '../../lesson/types.ts';
import type {Probes} from '../../host/probes.ts';
import type {ContainerInfo, Mount} from '../../host/types.ts';
import {showsSource, type MountSource} from '../../host/proc/mount-source.ts';
import type {CheckResult} from '../types.ts';
import {checkOptions, checkPath, firstProblem, flag} from '../options.ts';
import {fail, noContainerMessage, pass, skip} from '../result.ts';

/** Why a jail check skips: there is no jail shell to look into. */
export const noJailMessage = 'no jail shell is running: start it with the pivot-root/private step';

const sides = ['container', 'host', 'jail'] as const;
type Side = (typeof sides)[number];

/**
 * What the mount check needs: the mount table of the side it looks at (the container's or the
 * jail's shell is `container`), and for `bind=` where that host directory lives.
 */
export type MountData = {side: Side; target: string; container: ContainerInfo | null; mounts: Mount[]; bind?: {path: string; source?: MountSource}};

/** `jail` as its subject looks at the jail shell, which the workshop then watches. */
export const watches = (check: CheckSpec) => ({shells: check.args[0] === 'jail' ? ['jail' as const] : []});

/** The problem with a `mount container|host|jail PATH [type=FSTYPE] [bind=HOSTDIR] [absent]` line, if any. */
export function validate(check: CheckSpec): string | undefined {
	const [side, path] = check.args;
	return firstProblem(
		side === undefined || !(sides as readonly string[]).includes(side) ? `\`mount\` needs \`container\`, \`host\` or \`jail\` first, got \`${side ?? ''}\`` : undefined,
		checkPath(path, 'the mount point'),
		check.args.length > 2 ? `\`mount\` takes a side and one path, got ${check.args.length} words` : undefined,
		checkOptions(check, {values: ['type', 'bind'], flags: ['absent']}),
		check.options.type !== undefined && flag(check, 'absent') ? '`absent` and `type` cannot be combined' : undefined,
		check.options.bind !== undefined && flag(check, 'absent') ? '`absent` and `bind` cannot be combined' : undefined,
		check.options.bind === undefined ? undefined : checkPath(check.options.bind, 'the bound directory'),
	);
}

/** Reads the container's or the jail's mount table (relative to its root), or rootcamp's own. */
export async function probe(check: CheckSpec, probes: Probes): Promise<MountData> {
	const side = (check.args[0] ?? 'container') as Side;
	const target = normalize(check.args[1]!);
	const bindPath = check.options.bind;
	const bind = bindPath === undefined ? undefined : {path: bindPath, source: await probes.mountSource(bindPath)};
	const withBind = bind === undefined ? {} : {bind};
	if (side === 'host') {
		return {side, target, container: null, mounts: await probes.hostMounts(), ...withBind};
	}

	const shell = side === 'jail' ? await probes.jail() : await probes.container();
	const mounts = shell === null ? [] : await (side === 'jail' ? probes.jailMounts() : probes.containerMounts());
	return {side, target, container: shell, mounts, ...withBind};
}

/** Passes when something (of `type`) is mounted at the path as that side sees it; with `absent`, when nothing is. */
export function judge(check: CheckSpec, {side, target, container, mounts, bind}: MountData): CheckResult {
	if (side === 'container' && container === null) {
		return skip(check, noContainerMessage);
	}

	if (side === 'jail' && container === null) {
		return skip(check, noJailMessage);
	}

	// The last mount at a path is the one on top: it is what a process sees there.
	const mount = mounts.findLast(candidate => normalize(candidate.target) === target);
	const {type} = check.options;
	const seen = {container: 'inside the container', jail: 'in the jail', host: 'on the host'}[side];
	const expected = flag(check, 'absent') ? `nothing mounted on ${target}` : `${bind ? `${bind.path} (bind-mounted)` : type ?? 'a filesystem'} mounted on ${target}`;
	const actual = mount === undefined ? `nothing mounted on ${target}` : `${mount.fstype} (${mount.source}${mount.root !== undefined && mount.root !== '/' ? ` ${mount.root}` : ''}) mounted on ${target}`;
	const details = {expected, actual};
	if (flag(check, 'absent')) {
		return mount === undefined
			? pass(check, `nothing is mounted on ${target} ${seen}`, details)
			: fail(check, `${mount.fstype} is still mounted on ${target} ${seen}: unmount it with umount ${side === 'jail' ? `-l ${target} in the jail shell (-l: the old root is busy until nothing uses it)` : target}`, details);
	}

	if (mount === undefined) {
		return fail(check, missingMessage(side, target, type), details);
	}

	if (bind !== undefined && (bind.source === undefined || !showsSource(mount, bind.source))) {
		const shows = `${mount.root ?? '/'} of ${mount.source} (${mount.device ?? '?'})`;
		const remedy = target === '/'
			? `its / is still the old root: in the jail shell, cd ${bind.path} && pivot_root . oldroot`
			: `in the jail shell, mount --bind ${bind.path} ${target}`;
		return fail(check, `${target} ${seen} shows ${shows}, not ${bind.path}: ${remedy}`, details);
	}

	if (type !== undefined && mount.fstype !== type) {
		return fail(check, `${target} has ${mount.fstype} mounted ${seen}, not ${type}: umount ${target}, then mount -t ${type} ${type} ${target}`, details);
	}

	return pass(check, bind === undefined ? `${mount.fstype} is mounted on ${target} ${seen}` : `${bind.path} is bind-mounted on ${target} ${seen}`, details);
}

function missingMessage(side: Side, target: string, type: string | undefined): string {
	if (side === 'jail') {
		return `nothing is mounted on ${target} in the jail${type === undefined ? '' : `: in the jail shell run mount -t ${type} ${type} ${target}`}`;
	}

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
