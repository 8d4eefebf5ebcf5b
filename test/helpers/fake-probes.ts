import type {Probes} from '../../src/host/probes.ts';

/** A Probes object that answers from plain data: what a check's probe reads, without a real host. */
export function fakeProbes(overrides: Partial<Probes> & {rootfs?: string} = {}): Probes {
	const unused = (name: string) => async () => {
		throw new Error(`fake probes: ${name} was not expected to be read`);
	};

	return {
		rootfs: '/ubunturoot',
		proc: '/proc',
		container: async () => null,
		containerMounts: async () => [],
		hostMounts: async () => [],
		hostLinks: async () => [],
		containerLinks: async () => [],
		fileFact: unused('fileFact'),
		resolve: unused('resolve'),
		text: unused('text'),
		packages: async () => null,
		aptLists: async () => 0,
		tarball: async () => null,
		resolver: async () => '10.0.0.1',
		command: unused('command'),
		routes: async () => [],
		neighbors: async () => [],
		hostname: async () => undefined,
		entries: unused('entries'),
		ping: unused('ping'),
		cgroupHierarchy: async () => ({version: 'none', reason: 'fake probes: no cgroups'}),
		cgroup: async () => null,
		processCgroups: async () => null,
		pidNamespace: async () => undefined,
		jail: async () => null,
		jailMounts: async () => [],
		layered: async () => null,
		layeredMounts: async () => [],
		rootless: async () => null,
		userId: async name => ({root: 0, nobody: 65_534} as Record<string, number>)[name],
		mountSource: async () => undefined,
		runc: async () => null,
		runcContainers: async () => [],
		bundle: async () => null,
		profile: async () => null,
		faasServices: async () => [],
		hasSocat: () => true,
		faasAsk: unused('faasAsk'),
		faasConcurrent: unused('faasConcurrent'),
		faasResidue: unused('faasResidue'),
		faasLimit: unused('faasLimit'),
		...overrides,
	};
}
