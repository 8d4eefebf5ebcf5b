import type {Change, Snapshot} from '../api.ts';
import {count, listNames, type Fact} from './fact.ts';

/** Packages installed in the rootfs (dpkg status) and its downloaded apt lists. */
export const packagesFact: Fact = {
	name: 'packages',
	async read({probes}) {
		const [packages, aptLists] = await Promise.all([probes.packages().then(names => names ?? []), probes.aptLists()]);
		return {packages, aptLists};
	},
	changes: packageChanges,
};

function packageChanges(before: Snapshot, after: Snapshot): Change[] {
	const changes: Change[] = [];
	if (before.aptLists === 0 && after.aptLists > 0) {
		changes.push({sign: '+', text: `apt lists downloaded (${after.aptLists} index files)`});
	} else if (before.aptLists > 0 && after.aptLists === 0) {
		changes.push({sign: '-', text: 'apt lists removed'});
	} else if (before.aptLists !== after.aptLists) {
		changes.push({sign: '~', text: `apt lists refreshed (${before.aptLists} → ${after.aptLists} index files)`});
	}

	const had = new Set(before.packages);
	const has = new Set(after.packages);
	const added = after.packages.filter(name => !had.has(name));
	const removed = before.packages.filter(name => !has.has(name));
	if (added.length > 0) {
		// A rootfs that had no dpkg database was unpacked, not apt-installed into.
		changes.push(before.packages.length === 0
			? {sign: '+', text: `the rootfs now has ${count(added.length, 'installed package')} (a dpkg database appeared)`}
			: {sign: '+', text: `${count(added.length, 'package')} installed in the rootfs: ${listNames(added)}`});
	}

	if (removed.length > 0) {
		changes.push({sign: '-', text: `${count(removed.length, 'package')} removed from the rootfs: ${listNames(removed)}`});
	}

	return changes;
}
