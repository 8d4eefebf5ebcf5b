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
		return fail(check, wrongLayers(actualLower, lower, where, data.path), details);
	}

	if (upper !== undefined && mount.layers.upper !== undefined && realPath(mount.layers.upper) !== upper) {
		return fail(check, `the overlay on ${where} writes to ${mount.layers.upper}, not ${upper}`, details);
	}

	if (upper !== undefined && mount.layers.upper === undefined) {
		return fail(check, `the overlay on ${where} has no upperdir, so it is read-only: mount it with upperdir=${upper},workdir=…`, details);
	}

	return pass(check, `${where} is ${wanted}`, details);
}

/** What is wrong with the layers an overlay was mounted with: upside down, out of order, one left out, or others. */
function wrongLayers(actual: string[], wanted: string[], where: string, path: string): string {
	const again = `umount ${path} and mount it again`;
	if (actual.toReversed().join(':') === wanted.join(':')) {
		return `lowerdir lists the layers bottom first, so ${actual[0]} hides ${actual.at(-1)}: the top layer comes first (lowerdir=${wanted.join(':')}); ${again}`;
	}

	const missing = wanted.filter(layer => !actual.includes(layer));
	const others = actual.filter(layer => !wanted.includes(layer));
	if (others.length === 0 && missing.length === 0) {
		return `lowerdir lists the layers out of order (lowerdir=${actual.join(':')}): each layer comes before the one it was built on, top first (lowerdir=${wanted.join(':')}); ${again}`;
	}

	if (others.length === 0) {
		return `lowerdir leaves out ${missing.join(', ')}, so what ${missing.length === 1 ? 'that layer' : 'those layers'} changed is missing from ${where}: mount it with lowerdir=${wanted.join(':')}`;
	}

	return `the overlay on ${where} has other layers (lowerdir=${actual.join(':')}): mount it with lowerdir=${wanted.join(':')}`;
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
