/** Namespace kinds rootcamp compares between the container and itself. */
export const namespaceKinds = ['pid', 'mnt', 'net', 'uts', 'ipc', 'user', 'cgroup'] as const;
export type NamespaceKind = (typeof namespaceKinds)[number];

/** The container's shell as seen from the host. */
export type ContainerInfo = {
	/** Host PID of the container's shell (PID 1 inside its PID namespace). */
	pid: number;
	/** Host PID of its parent (the `unshare` process), when it has one. */
	parentPid?: number;
	/** The shell's root directory as the host sees it (`/proc/PID/root`). */
	root: string;
	/** Namespace kinds the shell has of its own (different from rootcamp's `/proc/self/ns/*`). */
	own: NamespaceKind[];
	/** The shell's command line. */
	command: string;
	/** Start time in clock ticks since boot (`/proc/PID/stat` field 22), to tell a reused PID apart. */
	startTime: number;
};

/** One line of a mountinfo table. */
export type Mount = {
	id: number;
	parent: number;
	/** Mount point as the reading process sees it (relative to the process's root). */
	target: string;
	fstype: string;
	source: string;
	options: string;
	/** The directory of its filesystem that the mount shows (mountinfo field 4): a bind mount's source. */
	root?: string;
	/** The filesystem's device, `MAJOR:MINOR` (mountinfo field 3). */
	device?: string;
	/** The filesystem's own options, after its source (an overlay's `lowerdir=…,upperdir=…`). */
	superOptions?: string;
};

/** One network interface, from `ip -json -d addr`. */
export type Link = {
	name: string;
	index: number;
	/** `veth`, `bridge`, … or undefined for a plain device such as `lo`. */
	kind?: string;
	/** The peer's name when it is in the same namespace, else undefined. */
	peer?: string;
	/** The peer's interface index (in its own namespace). */
	peerIndex?: number;
	/** True when the peer lives in another network namespace. */
	peerElsewhere: boolean;
	/** Administratively up (the UP flag). */
	up: boolean;
	operstate: string;
	addresses: string[];
};

/** What rootcamp knows about one path a lesson watches. */
export type FileFact = {
	type: 'file' | 'dir' | 'symlink' | 'other';
	mode: string;
	size: number;
	target?: string;
	/** The text of a regular file of at most 1 KiB, so "what changed" can quote it. */
	preview?: string;
	/** What an `other` is: a device node, a FIFO or a socket. */
	special?: 'char' | 'block' | 'fifo' | 'socket';
	/** A device node's numbers, `MAJOR:MINOR` (`1:3` is /dev/null). */
	rdev?: string;
};
