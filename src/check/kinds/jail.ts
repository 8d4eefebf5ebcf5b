import type {CheckSpec} from '../../lesson/types.ts';
import type {JailInfo} from '../../host/proc/jail.ts';
import type {Probes} from '../../host/probes.ts';
import type {NamespaceKind} from '../../host/types.ts';
import type {CheckResult} from '../types.ts';
import {joinWords} from '../format.ts';
import {list} from '../options.ts';
import {fail, pass} from '../result.ts';
import {ownership} from './shell-namespaces.ts';

/** What the jail check needs: the rootfs, and the jail shell if one runs. */
export type JailData = {rootfs: string; jail: JailInfo | null};

/** The `unshare` flag that gives the jail each namespace, for messages. */
const flags: Partial<Record<NamespaceKind, string>> = {mnt: '--mount', pid: '--pid --fork', net: '--net', uts: '--uts', ipc: '--ipc', user: '--user'};

/** Looks at the jail shell, which the workshop then watches. */
export const watches = () => ({shells: ['jail' as const]});

/** The problem with a `jail [own=mnt,pid]` line, if any. */
export {checkShellLine as validate} from './shell-namespaces.ts';

/** Finds the jail shell by its mount table. */
export async function probe(_check: CheckSpec, probes: Probes): Promise<JailData> {
	return {rootfs: probes.rootfs, jail: await probes.jail()};
}

/** Passes when a shell holds the rootfs in a mount namespace of its own, with its own namespace of every kind in `own`. */
export function judge(check: CheckSpec, {rootfs, jail}: JailData): CheckResult {
	const wanted = list(check, 'own') as NamespaceKind[];
	const expected = `a shell whose own mount namespace holds ${rootfs}${wanted.length > 0 ? `, with its own ${wanted.join(', ')} namespaces` : ''}`;
	if (jail === null) {
		// rootcamp finds the jail by the bind mount: before it, the shell is one of many with a private mount table.
		return fail(check, `no jail shell found: no process outside the container has ${rootfs} mounted in a mount namespace of its own. In a second terminal run unshare --mount --pid --fork /bin/sh, then in it mount --bind ${rootfs} ${rootfs}`, {expected, actual: 'none'});
	}

	const {actual, missing} = ownership(check, jail);
	if (missing.length > 0) {
		const why = missing.includes('pid') ? ' (without a PID namespace of its own, a proc mounted in the jail is the host\'s, and /proc/1/root leads straight out)' : '';
		return fail(check, `the jail shell (pid ${jail.pid}) shares the host's ${joinWords(missing)} namespace${missing.length === 1 ? '' : 's'}${why}: exit it and start it again with unshare ${wanted.map(kind => flags[kind] ?? `--${kind}`).join(' ')} /bin/sh`, {expected, actual});
	}

	return pass(check, `the jail shell is pid ${jail.pid}, with its own ${jail.own.join(', ')} namespaces and ${rootfs} in its mount table`, {expected, actual});
}
