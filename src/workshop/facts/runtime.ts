import {maskedPaths, capabilityWords, readOnly} from '../../check/runtime-table.ts';
import type {Mount} from '../../host/types.ts';
import {which} from '../../host/tools/tools.ts';
import type {Change, Snapshot} from '../api.ts';
import type {JournalEntry} from '../journal.ts';
import type {RuntimeSnapshot} from '../runtime-snapshot.ts';
import {sameProcess, type Fact} from './fact.ts';

/** runc's containers beside the learner's, and what the runtime lesson's steps change in the learner's shell. */
export const runtimeFact: Fact = {
	name: 'runtime',
	async read({probes, watchedPaths}) {
		const [runc, container, bundles] = await Promise.all([
			probes.runcContainers(),
			probes.container(),
			Promise.all(watchedPaths.map(async path => ((await probes.bundle(path)) === null ? undefined : path))),
		]);
		const profile = container === null ? null : await probes.profile(container.pid);
		const procSys = profile?.mounts.findLast(mount => mount.target === '/proc/sys');
		return {
			runtime: {
				runc,
				bundles: bundles.filter(path => path !== undefined),
				shell: container === null || profile === null ? null : {
					pid: container.pid,
					startTime: container.startTime,
					security: profile.security,
					masked: Object.fromEntries(maskedPaths(profile.mounts).map(path => [path, coveredBy(profile.mounts.findLast(mount => mount.target === path)!)])),
					procSys: procSys === undefined ? 'none' : (readOnly(procSys) ? 'read-only' : 'writable'),
				},
			},
		};
	},
	changes: (before, after) => runtimeChanges(before.runtime, after.runtime),
	/** A runc container that appeared (reset deletes it with `runc delete --force`) and a bundle made for it. */
	journal(before, after) {
		const was = before.runtime;
		const is = after.runtime;
		if (was === undefined || is === undefined) {
			return [];
		}

		const started = is.runc.filter(container => !was.runc.some(old => old.id === container.id)).map(container => ({kind: 'runc', id: container.id} as const));
		const bundles = is.bundles.filter(path => !was.bundles.includes(path)).map(path => ({kind: 'tree', path, what: 'an OCI bundle for runc'} as const));
		return [...started, ...bundles] satisfies JournalEntry[];
	},
	async leftovers({probes, journal}) {
		const ours = new Set(journal.flatMap(entry => (entry.kind === 'runc' ? [entry.id] : [])));
		const theirs = (await probes.runcContainers()).filter(container => container.rootfs === probes.rootfs && !ours.has(container.id));
		return theirs.map(container => `a runc container rootcamp did not start runs on the rootfs (${container.id}, pid ${container.pid}): runc delete --force ${container.id}`);
	},
	/** The runtime lesson runs runc beside the learner's container, and drops the shell's capabilities with capsh. */
	doctor() {
		const runc = which('runc');
		const capsh = which('capsh');
		return [
			runc ? {name: 'runc', ok: true, detail: `${runc} (the runtime lesson)`} : {name: 'runc', ok: false, detail: 'not found: the runtime lesson\'s steps are skipped', fix: 'apt-get install runc (a real runtime beside your container)'},
			capsh ? {name: 'capsh', ok: true, detail: capsh} : {name: 'capsh', ok: false, detail: 'not found', fix: 'apt-get install libcap2-bin (the runtime lesson drops the shell\'s capabilities with capsh)'},
		];
	},
};

/** What masks a path: runc binds its /dev/null over a file, an empty read-only tmpfs over a directory. */
function coveredBy(mount: Mount): string {
	if (mount.root?.endsWith('/null')) {
		return '/dev/null bind-mounted';
	}

	return `${readOnly(mount) ? 'a read-only ' : 'a '}${mount.fstype}`;
}

function runtimeChanges(was: RuntimeSnapshot | undefined, is: RuntimeSnapshot | undefined): Change[] {
	if (was === undefined || is === undefined) {
		return [];
	}

	const changes: Change[] = [];
	for (const container of is.runc) {
		const old = was.runc.find(other => other.id === container.id);
		if (old === undefined || !sameProcess(old, container)) {
			changes.push({sign: '+', text: `runc container ${container.id} ${container.running ? 'running' : 'created, not running'}: init pid ${container.pid}, root ${container.rootfs}${container.bundle ? `, bundle ${container.bundle}` : ''}`});
		} else if (old.running && !container.running) {
			changes.push({sign: '~', text: `runc container ${container.id} stopped: its init (pid ${container.pid}) ended`});
		}
	}

	for (const container of was.runc.filter(old => !is.runc.some(other => other.id === old.id))) {
		changes.push({sign: '-', text: `runc container ${container.id} deleted (its namespaces and control groups with it)`});
	}

	if (was.shell && is.shell && sameProcess(was.shell, is.shell)) {
		changes.push(...shellChanges(was.shell, is.shell));
	}

	return changes;
}

function shellChanges(was: NonNullable<RuntimeSnapshot['shell']>, is: NonNullable<RuntimeSnapshot['shell']>): Change[] {
	const changes: Change[] = [];
	const sets = [['CapBnd', 'bounding'], ['CapEff', 'effective']] as const;
	for (const [label, set] of sets) {
		const [before, after] = [was.security[set], is.security[set]];
		if (before.join(',') !== after.join(',')) {
			changes.push({sign: '~', text: `the container's ${label} (pid ${is.pid}, same process): ${capabilityWords(before)} → ${capabilityWords(after)}`});
		}
	}

	if (was.security.noNewPrivs !== is.security.noNewPrivs && is.security.noNewPrivs !== undefined) {
		changes.push({sign: '~', text: `the container's NoNewPrivs: ${was.security.noNewPrivs ? 1 : 0} → ${is.security.noNewPrivs ? 1 : 0}`});
	}

	for (const [path, cover] of Object.entries(is.masked).filter(([path]) => !(path in was.masked))) {
		changes.push({sign: '+', text: `${cover} on ${path}: masked in the container only`});
	}

	for (const path of Object.keys(was.masked).filter(path => !(path in is.masked))) {
		changes.push({sign: '-', text: `${path} no longer masked in the container`});
	}

	if (was.procSys !== is.procSys && is.procSys === 'read-only') {
		changes.push({sign: '~', text: '/proc/sys is read-only in the container now (its own bind mount, remounted ro; the host\'s stays writable)'});
	}

	return changes;
}
