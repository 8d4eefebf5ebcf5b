import {join} from 'node:path';
import type {Probes} from '../host/probes.ts';
import type {SetupState, Snapshot} from './api.ts';
import {facts} from './facts/registry.ts';
import type {IsolationWatch} from './isolation.ts';

export {underRoot} from './facts/mounts.ts';

/**
 * Reads everything "what changed" compares, in parallel, from one round's probes: each fact of
 * the registry its part. The ones that read in another process (`ip`) start first.
 */
export async function takeSnapshot(probes: Probes, watchedPaths: string[], watch: IsolationWatch = {cgroups: [], shells: []}): Promise<Snapshot> {
	const ordered = [...facts.filter(fact => fact.readFirst), ...facts.filter(fact => !fact.readFirst)];
	const parts = await Promise.all(ordered.map(async fact => fact.read({probes, watchedPaths, watch})));
	// Every required field of a Snapshot is some fact's part (test/workshop/snapshot.test.ts holds them to it).
	return Object.assign({}, ...parts) as Snapshot;
}

/** The live diagram's facts, from one round of probes: drawn from real state, never from progress. */
export async function readSetup(probes: Probes, rootfs: string): Promise<SetupState> {
	const [container, hostLinks, containerLinks, containerMounts, hostMounts] = await Promise.all([
		probes.container(), probes.hostLinks(), probes.containerLinks(), probes.containerMounts(), probes.hostMounts(),
	]);
	const hostTargets = new Set(hostMounts.map(mount => mount.target));
	return {
		rootfs,
		container,
		hostLinks,
		containerLinks,
		containerOnlyMounts: containerMounts.filter(mount => !hostTargets.has(join(rootfs, mount.target))),
	};
}
