/** Where a command runs: on the host, or inside the container's namespaces and root. */
export type Where = 'host' | 'container';

/** How the workshop obtained its filesystem; a lesson may give one command block per route. */
export type Route = 'docker' | 'debootstrap' | 'busybox';

/** One fenced ```sh block of a step, as written in the lesson file (variables not yet filled). */
export type CommandBlock = {
	where: Where;
	/** The block's text, one command per line, shown to the learner exactly as written. */
	text: string;
	/** Only for this route of getting the filesystem (the `copy/export` step); undefined = every route. */
	route?: Route;
	/** The command starts the container's shell: the runner keeps it alive instead of waiting. */
	startsContainer: boolean;
	/**
	 * The command must change the container's shell itself (`export PATH=…`, `exec unshare …`):
	 * it is typed into that shell, not run beside it through nsenter.
	 */
	inShell: boolean;
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
};

export const checkKinds = ['tarball', 'file', 'container', 'mount', 'link', 'package', 'command'] as const;
export type CheckKind = (typeof checkKinds)[number];

/** A capability of the rootfs a step needs; without it the step is skipped as not applicable. */
export type Requirement = 'apt';

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
export const variableNames = ['rootfs', 'tarball', 'pid', 'resolver', 'source', 'workdir', 'mirror', 'suite'] as const;
export type VariableName = (typeof variableNames)[number];
export type Variables = Record<VariableName, string | undefined>;
