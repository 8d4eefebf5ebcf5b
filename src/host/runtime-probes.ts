import {readProfile, type ProcessProfile} from './proc/profile.ts';
import {listRuncContainers, readBundle, readRuncContainer, rootIs, runcStateRoot, type BundleConfig, type RuncContainer} from './tools/runc.ts';

/** A runc container, and whether its init's root is the workshop's rootfs. */
export type RuncView = RuncContainer & {rootedAtRootfs: boolean};

/** The facts of the runtime lesson: runc's containers, an OCI bundle, and what a process may do. */
export type RuntimeProbes = {
	/** The runc container of that name (from runc's state file); null when runc has none. */
	runc(id: string): Promise<RuncView | null>;
	/** Every container runc knows of. */
	runcContainers(): Promise<RuncContainer[]>;
	/** An OCI bundle's config.json; null when the directory has none. */
	bundle(dir: string): Promise<BundleConfig | null>;
	/** What a process may do and see: namespaces, mounts, capabilities, no_new_privs, seccomp, control groups. */
	profile(pid: number): Promise<ProcessProfile | null>;
};

type Base = {
	proc: string;
	rootfs: string;
	once: <T>(key: string, read: () => Promise<T>) => Promise<T>;
	/** runc's state directory (tests point it at a fixture). */
	runcRoot?: string;
};

/** The runtime probes of one evaluation round, sharing its memo. */
export function runtimeProbes({proc, rootfs, once, runcRoot = runcStateRoot}: Base): RuntimeProbes {
	return {
		runc: async id => once(`runc:${id}`, async () => {
			const container = readRuncContainer(id, {root: runcRoot, proc});
			return container === null ? null : {...container, rootedAtRootfs: container.running && rootIs(container.pid, rootfs, {proc})};
		}),
		runcContainers: async () => once('runcContainers', async () => listRuncContainers({root: runcRoot, proc})),
		bundle: async dir => once(`bundle:${dir}`, async () => readBundle(dir)),
		profile: async pid => once(`profile:${pid}`, async () => readProfile(pid, {proc})),
	};
}
