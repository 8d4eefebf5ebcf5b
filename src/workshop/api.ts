import type {CheckResult, Status} from '../check/types.ts';
import type {Probes} from '../host/probes.ts';
import type {BlockTarget, Course, Lesson, Route, SideShell, Step, Variables} from '../lesson/types.ts';
import type {ContainerInfo, FileFact, Link, Mount, NamespaceKind} from '../host/types.ts';
import type {CgroupGroup} from '../host/cgroup/cgroup.ts';
import type {JailInfo} from '../host/proc/jail.ts';
import type {RootlessInfo} from '../host/proc/rootless.ts';
import type {Entry} from '../host/rootfs/entries.ts';
import type {Neighbor} from '../host/net/neighbors.ts';
import type {IpRoute} from '../host/net/routes.ts';
import type {FaasSnapshot} from '../host/faas/handler.ts';
import type {LayersSnapshot} from './layers-snapshot.ts';
import type {RuntimeSnapshot} from './runtime-snapshot.ts';
import type {RuntimeReport} from './runtime-report.ts';

/** Names one step: `{lesson: 'enter', step: 'proc'}`, written `enter/proc`. */
export type StepRef = {lesson: string; step: string};

/** A step's verdict: the first failing check decides, skip carries its reason in `message`. */
export type StepReport = {
	id: string;
	title: string;
	status: Status;
	message: string;
	expected?: string;
	actual?: string;
	checks: CheckResult[];
};

export type LessonReport = {id: string; title: string; steps: StepReport[]};

/** The shape `rootcamp verify --json` prints (DESIGN.md). */
export type Report = {
	rootfs: string;
	container: {pid: number; namespaces: NamespaceKind[]} | null;
	lessons: LessonReport[];
	summary: {pass: number; fail: number; skip: number};
	/** The runtime lesson's table, you | runc, while both containers run. */
	runtime?: RuntimeReport;
};

/** A command block with its variables filled: what the learner sees and copies. */
export type FilledCommand = {
	where: BlockTarget;
	/** The block starts this side shell and keeps it alive (`starts=jail`). */
	starts?: SideShell;
	text: string;
	startsContainer: boolean;
	/** Typed into the container's shell itself (it changes that shell), not run beside it. */
	inShell: boolean;
};

/** One line of "what changed": `+` appeared, `-` went away, `~` changed. */
export type Change = {sign: '+' | '-' | '~'; text: string};

export type {FileFact} from '../host/types.ts';

/** Everything "what changed" compares, read from the real host before and after a step. */
export type Snapshot = {
	container: ContainerInfo | null;
	/** Mounts as the container sees them (relative to its root); empty without a container. */
	containerMounts: Mount[];
	/** Host mounts at or under the rootfs. */
	hostMounts: Mount[];
	hostLinks: Link[];
	containerLinks: Link[];
	/** Paths the lessons watch (tarball, rootfs, files their checks name) → fact, or null if missing. */
	files: Record<string, FileFact | null>;
	/** Packages installed in the rootfs (dpkg status), sorted. */
	packages: string[];
	/** Number of downloaded apt index files in the rootfs. */
	aptLists: number;
	/** IPv4 routes of the main table: the container's, and the host's through its veth links only. */
	routes?: {host: IpRoute[]; container: IpRoute[]};
	/** Resolved IPv4 neighbours (ARP): the container's, and the host's on its veth links only. */
	neighbors?: {host: Neighbor[]; container: Neighbor[]};
	/** Hostnames: the host's (rootcamp's own UTS namespace) and the container's. */
	hostnames?: {host?: string; container?: string};
	/** The container's /dev as it sees it (top level; through /proc/PID/root), null without one. */
	containerDev?: Entry[] | null;
	/** The lessons' control groups by name (`rootcamp`), null where one does not exist; only when a lesson names one. */
	cgroups?: Record<string, CgroupGroup | null>;
	/** v2: the controllers each watched group's parent hands down (`cgroup.subtree_control`), by the parent's directory. */
	subtreeControl?: Record<string, string[]>;
	/** The jail shell and its mount table (relative to its root), null when none runs; only when a lesson has one. */
	jail?: {shell: JailInfo; mounts: Mount[]} | null;
	/** The rootless shell and its uid map, null when none runs; only when a lesson has one. */
	rootless?: RootlessInfo | null;
	/** The faas lesson's listeners (socat on a Unix socket). */
	faas?: FaasSnapshot[];
	/** The layers lesson's overlays, its shell, their upper directories and lower layers; only when a lesson has the layered shell. */
	layers?: LayersSnapshot;
	/** The runtime lesson's runc containers, its bundles, and what the learner's shell may do (capabilities, masks, /proc/sys). */
	runtime?: RuntimeSnapshot;
};

/** Streamed while a step runs. */
export type RunEvent =
	| {type: 'start'; command: FilledCommand}
	| {type: 'output'; chunk: string}
	| {type: 'progress'; done: number; total?: number; unit: 'bytes' | 'packages' | 'files'; item?: string};

export type RunResult = {
	exitCode: number;
	cancelled: boolean;
	changes: Change[];
	report: StepReport;
};

/** Saved between runs, in the XDG state directory. */
export type Progress = {
	version: 1;
	/** Where the learner is: resumed on the next start. */
	current?: StepRef;
	/** `lesson/step` → ISO time it first passed. */
	passed: Record<string, string>;
	route?: Route;
	rootfs?: string;
	/** The image route's image (`--image`), absolute. */
	image?: string;
	/**
	 * The wire lesson's addresses, chosen once (the first free /30) and kept, as an engine keeps
	 * its bridge's subnet: the commands shown stay the same, and verify need not read the routes.
	 */
	wire?: Partial<Record<'subnet' | 'prefix' | 'host-address' | 'container-address', string>>;
};

/** The live diagram's facts: drawn from real state, never from progress. */
export type SetupState = {
	rootfs: string;
	container: ContainerInfo | null;
	hostLinks: Link[];
	containerLinks: Link[];
	/** Mounts the container sees that the host does not (relative to the container's root). */
	containerOnlyMounts: Mount[];
};

/** What one round of probes tells the app about the open step. */
export type Observation = {
	report: StepReport;
	setup: SetupState;
	/** Taken only when asked for (the "before" of a step the learner may do by hand). */
	snapshot?: Snapshot;
};

/** The engine as the UI and the commands use it. Nothing here prints or exits. */
export type Workshop = {
	readonly course: Course;
	readonly rootfs: string;
	/** How the filesystem is obtained; undefined until a command needs to know (verify does not). */
	readonly route: Route | undefined;
	progress(): Progress;
	setCurrent(ref: StepRef): Promise<void>;
	variables(): Promise<Variables>;
	/** The step's command blocks for this workshop's route, variables filled. */
	commandsFor(ref: StepRef, variables: Variables): FilledCommand[];
	verifyStep(ref: StepRef): Promise<StepReport>;
	/** One round of probes for every step a filter names (`lessons` names several lessons). */
	verify(filter?: {lesson?: string; step?: string; lessons?: string[]}): Promise<Report>;
	/** Runs the step's reference commands; `signal` cancels (the child process group is ended). */
	runStep(ref: StepRef, options: {onEvent?: (event: RunEvent) => void; signal?: AbortSignal}): Promise<RunResult>;
	snapshot(): Promise<Snapshot>;
	setup(): Promise<SetupState>;
	/**
	 * The step's verdict, the diagram's facts and, with `snapshot`, a snapshot, all from one round of
	 * probes: what the app's watch asks every tick, for the price of one read of the host.
	 */
	observe(ref: StepRef, options?: {snapshot?: boolean}): Promise<Observation>;
	/** argv that opens an interactive shell inside the container, or undefined without one. */
	shellCommand(): Promise<string[] | undefined>;
	/** "What changed" between two snapshots, in words: for a step the learner did by hand. */
	describeChanges(before: Snapshot, after: Snapshot): Promise<Change[]>;
};

/** The engine as the commands use it: what the app uses, and what printing reports, solve and reset need. */
export type WorkshopForCommands = Workshop & {
	/** What went wrong reading saved state (a corrupt file set aside), for the learner to read once. */
	readonly warnings: readonly string[];
	/** A new round of probes: each host fact read once, so a verdict and its hint's variables agree. */
	probes(): Probes;
	variables(probes?: Probes): Promise<Variables>;
	/** The lessons and steps a `LESSON[/STEP]` filter names, in course order (unknown ids: a usage error). */
	select(filter: {lesson?: string; step?: string}): Array<{lesson: Lesson; steps: Step[]}>;
	/** The step's hint with its variables filled. */
	hintFor(ref: StepRef, variables: Variables): string;
	verifyStep(ref: StepRef, probes?: Probes): Promise<StepReport>;
	verify(filter?: {lesson?: string; step?: string; lessons?: string[]}, probes?: Probes): Promise<Report>;
	/** What `reset` would undo, in words, before it asks. */
	planReset(purge: boolean): Promise<string[]>;
	/** Undoes what the journal says rootcamp made; with `purge`, the trees too. */
	reset(purge: boolean): Promise<{done: string[]; left: string[]}>;
};
