import type {RootlessInfo} from '../../host/proc/rootless.ts';
import type {Change} from '../api.ts';
import {sameProcess, type Fact} from './fact.ts';

/** The rootless lesson's side shell and its user namespace's uid map. */
export const rootlessFact: Fact = {
	name: 'rootless',
	async read({probes, watch}) {
		return watch.shells.includes('rootless') ? {rootless: await probes.rootless().catch(() => null)} : {};
	},
	changes: (before, after) => rootlessChanges(before.rootless, after.rootless),
	async leftovers({probes, watch}) {
		const shell = watch.shells.includes('rootless') ? await probes.rootless() : null;
		return shell ? [`a rootless shell rootcamp did not start still runs (pid ${shell.pid}): type exit in its terminal, or kill -9 ${shell.pid}`] : [];
	},
	doctor({sysctl}) {
		const unprivileged = sysctl('kernel/unprivileged_userns_clone');
		const most = sysctl('user/max_user_namespaces');
		return [unprivileged === '0' || most === '0'
			? {name: 'user namespaces', ok: false, detail: unprivileged === '0' ? 'kernel.unprivileged_userns_clone is 0' : 'user.max_user_namespaces is 0', fix: 'sysctl -w kernel.unprivileged_userns_clone=1 (or user.max_user_namespaces=15000) for the rootless lesson'}
			: {name: 'user namespaces', ok: true, detail: 'ordinary users may make them (the rootless lesson)'}];
	},
};

function rootlessChanges(before: RootlessInfo | null | undefined, after: RootlessInfo | null | undefined): Change[] {
	if (before === undefined || after === undefined || (before === null && after === null)) {
		return [];
	}

	if (after === null) {
		return [{sign: '-', text: `rootless shell (pid ${before!.pid}) ended, and its user namespace with it`}];
	}

	const changes: Change[] = [];
	if (before === null || !sameProcess(before, after)) {
		if (before !== null) {
			changes.push({sign: '-', text: `rootless shell (pid ${before.pid}) ended`});
		}

		const map = after.uidMap.length === 0 ? 'no uid map yet, so inside it is the overflow uid 65534 with no privileges' : `uid map ${formatMap(after)}`;
		changes.push({sign: '+', text: `rootless shell started: pid ${after.pid}, uid ${after.uid} on the host, in a user namespace of its own; ${map}`});
		return changes;
	}

	if (formatMap(before) !== formatMap(after)) {
		const root = after.uidMap.find(line => line.inside === 0);
		const meaning = root === undefined ? '' : ` (root inside is uid ${root.outside} outside)`;
		changes.push({sign: '~', text: `pid ${after.pid}'s uid map: ${formatMap(before)} → ${formatMap(after)}${meaning}`});
	}

	return changes;
}

function formatMap(shell: RootlessInfo): string {
	return shell.uidMap.length === 0 ? 'none' : shell.uidMap.map(line => `${line.inside} ${line.outside} ${line.count}`).join('; ');
}
