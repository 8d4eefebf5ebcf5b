import {readCgroupGroup, readCgroupHierarchy, readProcCgroup, type CgroupGroup, type CgroupHierarchy, type ProcCgroup} from './cgroup/cgroup.ts';
import {findContainer} from './proc/container.ts';
import {findJail, namespaceLink, type JailInfo} from './proc/jail.ts';
import {readMountinfo} from './proc/mountinfo.ts';
import {readOrEmpty, realPathOrSame} from './rootfs/files.ts';
import {sourceOf, type MountSource} from './proc/mount-source.ts';
import type {ProcessInfo} from './proc/processes.ts';
import {findRootless, userIdOf, type RootlessInfo} from './proc/rootless.ts';
import {listRuncContainers} from './tools/runc.ts';
import type {ContainerInfo, Mount} from './types.ts';

/** The facts of the lessons beyond the write-up: control groups, the jail shell, the rootless shell. */
export type IsolationProbes = {
	/** Where this host keeps the pids and memory controllers (cgroup v2, or v1 hierarchies). */
	cgroupHierarchy(): Promise<CgroupHierarchy>;
	/** A control group the lessons name (`rootcamp`); null when it exists in no hierarchy. */
	cgroup(name: string): Promise<CgroupGroup | null>;
	/** The groups a process is in (`/proc/PID/cgroup`); null when it is gone. */
	processCgroups(pid: number): Promise<ProcCgroup[] | null>;
	/** A process's PID namespace (`pid:[4026532249]`); undefined when it is gone. */
	pidNamespace(pid: number): Promise<string | undefined>;
	/** The jail shell: a mount namespace of its own that holds the rootfs (bind-mounted, or as its `/`). */
	jail(): Promise<JailInfo | null>;
	/** The jail's mount table, relative to its root; empty without a jail. */
	jailMounts(): Promise<Mount[]>;
	/** The layers lesson's shell: the topmost process rooted in its overlay, in a PID namespace of its own. */
	layered(): Promise<ContainerInfo | null>;
	/** The layered shell's mount table, relative to its root; empty without one. */
	layeredMounts(): Promise<Mount[]>;
	/** The rootless shell: the first process of a user namespace of its own. */
	rootless(): Promise<RootlessInfo | null>;
	/** A host user's ID by name (or number), from the host's /etc/passwd. */
	userId(name: string): Promise<number | undefined>;
	/** Where a host directory lives (its filesystem's device and its path there), from rootcamp's mount table. */
	mountSource(path: string): Promise<MountSource | undefined>;
};

type Base = {
	proc: string;
	rootfs: string;
	once: <T>(key: string, read: () => Promise<T>) => Promise<T>;
	container: () => Promise<ContainerInfo | null>;
	hostMounts: () => Promise<Mount[]>;
	/** The round's one listing of every process. */
	processes: () => Promise<ProcessInfo[]>;
	/** The host's user database (tests point it at a fixture). */
	passwd?: string;
	/** Where the layers lesson mounts its overlay; without it there is no layered shell to find. */
	layeredRoot?: string;
};

/** runc's containers pivot_root into the rootfs too: their inits are never the jail shell. */
const runcInits = (proc: string) => listRuncContainers({proc}).map(container => container.pid);

/** The isolation probes of one evaluation round, sharing its memo. */
export function isolationProbes({proc, rootfs, once, container, hostMounts, processes, passwd = '/etc/passwd', layeredRoot}: Base): IsolationProbes {
	const probes: IsolationProbes = {
		cgroupHierarchy: async () => once('cgroupHierarchy', async () => readCgroupHierarchy({proc})),
		cgroup: async name => once(`cgroup:${name}`, async () => readCgroupGroup(await probes.cgroupHierarchy(), name)),
		processCgroups: async pid => once(`processCgroups:${pid}`, async () => readProcCgroup(pid, {proc})),
		pidNamespace: async pid => once(`pidNamespace:${pid}`, async () => namespaceLink(pid, 'pid', proc)),
		jail: async () => once('jail', async () => {
			const shell = await container();
			return findJail(rootfs, {proc, processes: await processes(), hostMounts: await hostMounts(), exclude: [...(shell === null ? [] : [shell.pid]), ...runcInits(proc)]});
		}),
		jailMounts: async () => once('jailMounts', async () => {
			const jail = await probes.jail();
			return jail === null ? [] : readMountinfo(jail.pid, {proc}).catch(() => []);
		}),
		layered: async () => once('layered', async () => (layeredRoot === undefined ? null : findContainer(layeredRoot, {proc, processes: await processes()}))),
		layeredMounts: async () => once('layeredMounts', async () => {
			const shell = await probes.layered();
			return shell === null ? [] : readMountinfo(shell.pid, {proc}).catch(() => []);
		}),
		rootless: async () => once('rootless', async () => findRootless({proc, processes: await processes()})),
		userId: async name => once(`userId:${name}`, async () => userIdOf(name, readOrEmpty(passwd))),
		mountSource: async path => once(`mountSource:${path}`, async () => sourceOf(await hostMounts(), realPathOrSame(path))),
	};
	return probes;
}
