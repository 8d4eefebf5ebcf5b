/** Where a command runs: on the host, or inside the container's namespaces and root. */
export type Where = 'host' | 'container';

/**
 * A long-lived shell beside the container, started by a lesson the way a learner would in a
 * second terminal: `jail` (a mount namespace of its own, then pivot_root), `rootless` (a user
 * namespace, root inside and nobody outside) and `layered` (a container whose `/` is the layers
 * lesson's overlay). The engine never takes any of them for the container.
 */
export type SideShell = 'jail' | 'rootless' | 'layered';
export const sideShells: readonly SideShell[] = ['jail', 'rootless', 'layered'];

/** Whether a block's target is one of the side shells. */
export const isSideShell = (target: string): target is SideShell => (sideShells as readonly string[]).includes(target);

/** Where a command block runs: the host, the container, or one of the side shells. */
export type BlockTarget = Where | SideShell;

/** The kind of control group hierarchy a block is written for (`cgroup=v1`, `cgroup=v2`). */
export type CgroupSelector = 'v1' | 'v2';

/** How the workshop obtained its filesystem; a lesson may give one command block per route. */
export type Route = 'docker' | 'debootstrap' | 'busybox' | 'image';

/** One fenced ```sh block of a step, as written in the lesson file (variables not yet filled). */
export type CommandBlock = {
	where: BlockTarget;
	/** The block's text, one command per line, shown to the learner exactly as written. */
	text: string;
	/** Only for these routes of getting the filesystem (`route=image`, `route=docker,debootstrap,busybox`); undefined = every route. */
	routes?: Route[];
	/** The command starts the container's shell: the runner keeps it alive instead of waiting. */
	startsContainer: boolean;
	/**
	 * The command must change the container's shell itself (`export PATH=…`, `exec unshare …`):
	 * it is typed into that shell, not run beside it through nsenter.
	 */
	inShell: boolean;
	/** Only for hosts whose pids and memory controllers are on this kind of hierarchy; undefined = every host. */
	cgroup?: CgroupSelector;
	/** The command starts that side shell (`starts=jail`): kept alive in the background, like the container's. */
	starts?: SideShell;
	line: number;
};

/** A declarative check, one line of a ```check block: `kind target key=value …`. */
export type CheckSpec = {
	kind: CheckKind;
	/** Positional words after the kind (variables not yet filled). */
	args: string[];
	/** key=value options; a bare word such as `absent` or `up` is stored as 'true'. */
	options: Record<string, string>;
	/** The line as written, for messages. */
	source: string;
	line: number;
	/**
	 * Written `advice`: what rootcamp adds beyond the write-up (remounting /proc, bringing a link
	 * up again). Judged and shown with the step, it never decides the step's verdict.
	 */
	advice?: true;
};

export const checkKinds = ['tarball', 'file', 'container', 'mount', 'link', 'package', 'command', 'route', 'ping', 'hostname', 'cgroup', 'userns', 'jail', 'overlay', 'runc', 'security', 'faas'] as const;
export type CheckKind = (typeof checkKinds)[number];

/**
 * What a step needs of the rootfs (apt), of the host (runc), or of the kernel's trust in rootcamp
 * (mknod, cgroups: refused in a user namespace, as in a rootless sandbox); without it the step is
 * skipped as not applicable.
 */
export type Requirement = 'apt' | 'runc' | 'mknod' | 'cgroups';

export type Step = {
	id: string;
	title: string;
	/** Markdown prose of the step, without command blocks, check blocks and the hint. */
	prose: string;
	commands: CommandBlock[];
	checks: CheckSpec[];
	/** Set when nothing outside the container's shell can observe the step: the honest reason. */
	unobservable?: string;
	requires: Requirement[];
	/**
	 * Earlier steps whose work this one builds on (`after: dev/tmpfs`): until they pass, this
	 * step fails with "do X first" rather than passing on what the rootfs happened to hold.
	 */
	after: Array<{lesson: string; step: string; line: number}>;
	hint: string;
	line: number;
};

export type Lesson = {
	id: string;
	title: string;
	/** Markdown prose before the first step. */
	intro: string;
	steps: Step[];
	file: string;
	order: number;
};

export type Course = {
	dir: string;
	lessons: Lesson[];
};

/** A problem in a lesson file, reported as `file:line: message`. */
export type LessonError = {file: string; line: number; message: string};

/** The variables a lesson may use in commands and checks. */
export const variableNames = ['rootfs', 'tarball', 'pid', 'resolver', 'source', 'workdir', 'mirror', 'suite', 'subnet', 'prefix', 'host-address', 'container-address', 'cgroupfs', 'jail', 'rootless', 'layers', 'lowers', 'top', 'layered', 'image', 'rootcamp'] as const;
export type VariableName = (typeof variableNames)[number];
export type Variables = Record<VariableName, string | undefined>;
