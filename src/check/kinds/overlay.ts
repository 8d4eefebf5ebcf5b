import {realpathSync} from 'node:fs';
import type {CheckSpec} from '../../lesson/types.ts';
import type {Probes} from '../../host/probes.ts';
import {overlayLayers, topmountAt, type OverlayLayers} from '../../host/proc/overlay.ts';
import type {ContainerInfo} from '../../host/types.ts';
import type {CheckResult} from '../types.ts';
import {checkOptions, checkPath, firstProblem, flag} from '../options.ts';
import {fail, pass} from '../result.ts';

/** What the overlay check read: what is mounted at the path (fstype and layers), and with `shell` the shell rooted there. */
export type OverlayData = {
	path: string;
	/** The mount seen at the path on the host, or, with `shell`, at the shell's `/`; null when nothing is mounted there. */
	mount: {fstype: string; layers?: OverlayLayers} | null;
	/** With `shell`: the layered shell, null when none has its root at the path. */
	shell?: ContainerInfo | null;
};

/** `shell` looks at the layers lesson's shell, which the workshop then watches; the upper directory is a watched path. */
export const watches = (check: CheckSpec) => ({
	...(flag(check, 'shell') ? {shells: ['layered' as const]} : {}),
	paths: check.options.upper === undefined ? [] : [check.options.upper],
});

/** The problem with an `overlay PATH [shell] [lower=TOP:…:BOTTOM] [upper=DIR]` line, if any. */
export function validate(check: CheckSpec): string | undefined {
	return firstProblem(
		checkPath(check.args[0], 'the mount point'),
		check.args.length > 1 ? `\`overlay\` takes one path, got ${check.args.length} words` : undefined,
		checkOptions(check, {values: ['lower', 'upper'], flags: ['shell']}),
		check.options.upper === undefined ? undefined : checkPath(check.options.upper, 'the upper directory'),
		...(check.options.lower ?? '').split(':').filter(Boolean).map(layer => checkPath(layer, 'a lower layer')),
	);
}

/** Reads the host's mount at the path, or the mount at the `/` of the shell rooted there. */
export async function probe(check: CheckSpec, probes: Probes): Promise<OverlayData> {
	const path = realPath(check.args[0]!);
	const describe = (found: ReturnType<typeof topmountAt>) => (found === undefined ? null : {fstype: found.fstype, ...withLayers(overlayLayers(found))});
	if (!flag(check, 'shell')) {
		return {path, mount: describe(topmountAt(await probes.hostMounts(), path))};
	}

	const found = await probes.layered();
	const shell = found !== null && found.root === path ? found : null;
	return {path, shell, mount: shell === null ? null : describe(topmountAt(await probes.layeredMounts(), '/'))};
}

/** Passes when an overlay is mounted there with these layers, top first, and this upper directory. */
export function judge(check: CheckSpec, data: OverlayData): CheckResult {
	const lower = (check.options.lower ?? '').split(':').filter(Boolean).map(layer => realPath(layer));
	const upper = check.options.upper === undefined ? undefined : realPath(check.options.upper);
	const wanted = `an overlay${lower.length > 0 ? ` of ${lower.join(' over ')} (top first)` : ''}${upper ? `, writes to ${upper}` : ''}`;
	const expected = flag(check, 'shell') ? `a shell whose / is ${wanted}` : `${wanted} on ${data.path}`;
	if (flag(check, 'shell') && !data.shell) {
		return fail(check, `no shell runs with ${data.path} as its root: in a second terminal, unshare --pid --mount --uts --ipc --fork chroot ${data.path} /bin/sh`, {expected, actual: 'none'});
	}

	const where = flag(check, 'shell') ? `the shell's / (pid ${data.shell!.pid})` : data.path;
	const {mount} = data;
	if (mount === null) {
		return fail(check, `nothing is mounted on ${where}: mount -t overlay overlay -o lowerdir=…,upperdir=…,workdir=… ${data.path}`, {expected, actual: 'no mount'});
	}

	if (mount.layers === undefined) {
		const why = flag(check, 'shell') ? ': the shell was started before the overlay was mounted; exit it and start it again' : `: unmount it first (umount ${data.path})`;
		return fail(check, `${where} is ${mount.fstype}, not an overlay${why}`, {expected, actual: mount.fstype});
	}

	const actualLower = mount.layers.lower.map(layer => realPath(layer));
	const actual = `overlay of ${actualLower.join(' over ')}, writes to ${mount.layers.upper ?? 'nowhere (read-only)'}`;
	const details = {expected, actual};
	if (lower.length > 0 && actualLower.join(':') !== lower.join(':')) {
		const reversed = actualLower.toReversed().join(':') === lower.join(':');
		return fail(check, reversed
			? `lowerdir lists the layers bottom first, so ${actualLower[0]} hides ${actualLower.at(-1)}: the top layer comes first (lowerdir=${lower.join(':')}); umount ${data.path} and mount it again`
			: `the overlay on ${where} has other layers (lowerdir=${actualLower.join(':')}): mount it with lowerdir=${lower.join(':')}`, details);
	}

	if (upper !== undefined && mount.layers.upper !== undefined && realPath(mount.layers.upper) !== upper) {
		return fail(check, `the overlay on ${where} writes to ${mount.layers.upper}, not ${upper}`, details);
	}

	if (upper !== undefined && mount.layers.upper === undefined) {
		return fail(check, `the overlay on ${where} has no upperdir, so it is read-only: mount it with upperdir=${upper},workdir=…`, details);
	}

	return pass(check, `${where} is ${wanted}`, details);
}

const withLayers = (layers: OverlayLayers | undefined) => (layers === undefined ? {} : {layers});

/** A path as the kernel prints it: symlinks resolved (when it exists), no trailing slash. */
function realPath(path: string): string {
	try {
		return realpathSync.native(path);
	} catch {
		return path.replace(/(.)\/+$/, '$1');
	}
}
