import type {Change, Snapshot} from '../api.ts';
import {sameMounts, sameProcess, subtractMounts, topAt, type Fact} from './fact.ts';

/** The jail (the pivot-root lesson's side shell) and its own mount table. */
export const jailFact: Fact = {
	name: 'jail',
	async read({probes, watch}) {
		if (!watch.shells.includes('jail')) {
			return {};
		}

		const shell = await probes.jail().catch(() => null);
		return {jail: shell === null ? null : {shell, mounts: await probes.jailMounts()}};
	},
	changes: jailChanges,
	async leftovers({probes, watch}) {
		const shell = watch.shells.includes('jail') ? await probes.jail() : null;
		return shell ? [`a jail shell rootcamp did not start still runs (pid ${shell.pid}): type exit in its terminal, or kill -9 ${shell.pid}`] : [];
	},
};

function jailChanges(before: Snapshot, after: Snapshot): Change[] {
	if (before.jail === undefined || after.jail === undefined) {
		return [];
	}

	const was = before.jail;
	const is = after.jail;
	const hostUnchanged = sameMounts(before.hostMounts, after.hostMounts);
	if (was === null && is === null) {
		return [];
	}

	if (is === null) {
		return [{sign: '-', text: `jail shell (pid ${was!.shell.pid}) ended, and its mount namespace with it`}];
	}

	const changes: Change[] = [];
	if (was === null || !sameProcess(was.shell, is.shell)) {
		if (was !== null) {
			changes.push({sign: '-', text: `jail shell (pid ${was.shell.pid}) ended`});
		}

		changes.push({sign: '+', text: `jail shell started: pid ${is.shell.pid} with its own ${is.shell.own.join(', ') || 'no'} namespaces`});
		const bound = is.mounts.filter(mount => mount.root !== undefined && mount.root !== '/' && mount.target !== '/');
		for (const mount of bound) {
			changes.push({sign: '+', text: `${mount.root} bind-mounted on ${mount.target} (jail only${hostUnchanged ? '; host mounts unchanged' : ''})`});
		}

		return changes;
	}

	const rootBefore = topAt(was.mounts, '/');
	const rootAfter = topAt(is.mounts, '/');
	const pivoted = rootBefore !== undefined && rootAfter !== undefined && (rootBefore.device !== rootAfter.device || rootBefore.root !== rootAfter.root);
	if (pivoted) {
		changes.push({sign: '~', text: `the jail's / is now ${rootAfter.root} of ${rootAfter.source} (pivot_root), no longer ${rootBefore.root} of ${rootBefore.source}`});
	}

	const added = subtractMounts(is.mounts, was.mounts).filter(mount => !(pivoted && mount.target === '/'));
	const removed = subtractMounts(was.mounts, is.mounts).filter(mount => !(pivoted && mount.target === '/'));
	for (const mount of added) {
		changes.push({sign: '+', text: `${mount.fstype} mounted on ${mount.target} (jail only${hostUnchanged ? '; host mounts unchanged' : ''})`});
	}

	if (pivoted && removed.length > 0) {
		// After pivot_root the old tree is still reachable at put_old until `umount -l` detaches it.
		changes.push({sign: '-', text: `the old root and the ${removed.length} mount${removed.length === 1 ? '' : 's'} under it are gone from the jail's table: nothing of the host's tree is left to escape to`});
	} else {
		for (const mount of removed) {
			changes.push({sign: '-', text: `${mount.fstype} unmounted from ${mount.target} (jail)`});
		}
	}

	return changes;
}
