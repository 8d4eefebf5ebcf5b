import {statSync} from 'node:fs';
import {childrenOf, isRunning} from '../host/proc/processes.ts';
import {isSideShell, type Step} from '../lesson/types.ts';
import {fillVariables, MissingVariableError} from '../lesson/variables.ts';
import {runInContainer} from '../run/container.ts';
import {runOnHost} from '../run/host.ts';
import {outputProgress, verboseExtractionOf} from '../run/progress.ts';
import {startTimeOf} from '../run/signal.ts';
import {launchContainer, typeIntoShell, waitForShell} from '../run/start-container.ts';
import type {Probes} from '../host/probes.ts';
import {UsageError} from '../errors.ts';
import {interfaceNamesIn} from '../lesson/interface-names.ts';
import {namedSteps} from '../lesson/named-steps.ts';
import type {RunEvent} from './api.ts';
import {startedShellFacts} from './journal.ts';
import {whyMissing} from './variables.ts';
import type {RunContext, ShellContext} from './context.ts';
import {endStarted, runInSideShell, startSideShell} from './side-shells.ts';

type Options = {onEvent?: (event: RunEvent) => void; signal?: AbortSignal};

/**
 * Runs a step's reference commands in order: host blocks on the host, container blocks inside
 * the container, a `starts-container` block as a shell kept alive in the background. Stops at
 * the first block that fails or is cancelled; the caller snapshots before and after (`first`
 * is the round of its "before", which the first block's variables are read from).
 */
export const runStepCommands = async (engine: RunContext, step: Step, options: Options, first?: Probes): Promise<{exitCode: number; cancelled: boolean}> => {
	for (const [index, block] of engine.blocksFor(step).entries()) {
		if (options.signal?.aborted) {
			return {exitCode: 130, cancelled: true};
		}

		// Each block sees the host as the blocks before it left it; the first, as the caller just read it.
		const probes = index === 0 && first ? first : engine.probes();
		const variables = await engine.variables(probes);
		let script: string;
		try {
			script = fillVariables(block.text, variables);
		} catch (error) {
			if (error instanceof MissingVariableError) {
				throw new UsageError(whyMissing(error.variable));
			}

			throw error;
		}

		interfaceNamesIn(script);
		options.onEvent?.({type: 'start', command: {where: block.where, text: script, startsContainer: block.startsContainer, inShell: block.inShell, ...(block.starts ? {starts: block.starts} : {})}});
		const onOutput = outputProgress(chunk => options.onEvent?.({type: 'output', chunk}), event => options.onEvent?.(event), {files: await membersOf(probes, verboseExtractionOf(script))});
		if (block.startsContainer) {
			await startContainer(engine, script);
			continue;
		}

		if (block.inShell) {
			await typeIntoContainerShell(engine, step, script, options);
			continue;
		}

		if (block.starts) {
			await startSideShell(engine, block.starts, script);
			continue;
		}

		let result;
		if (isSideShell(block.where)) {
			result = await runInSideShell(engine, block.where, script, {onOutput, signal: options.signal});
		} else if (block.where === 'host') {
			result = await runOnHost(script, {onOutput, signal: options.signal, cwd: engine.paths.cache});
		} else {
			const container = await probes.container();
			if (!container) {
				throw new UsageError(`no container is running: start it first (rootcamp solve ${namedSteps.container})`);
			}

			result = await runInContainer(container.pid, script, {onOutput, signal: options.signal});
		}

		if (result.cancelled || result.exitCode !== 0) {
			return {exitCode: result.exitCode, cancelled: result.cancelled};
		}
	}

	return {exitCode: 0, cancelled: false};
};

/**
 * Starts the container's shell as the write-up does. A shell rootcamp started earlier is ended
 * first, as the learner would `exit` the old one before starting the new; a shell the learner
 * started by hand is never touched.
 */
const startContainer = async (engine: RunContext, commandLine: string) => {
	await stopStartedContainers(engine);
	const launchedAt = Date.now();
	const started = await launchContainer(commandLine, engine.paths.run);
	const shell = await waitForShell(started, async () => {
		const container = await engine.probes().container();
		return container?.parentPid === started.launcherPid ? container : undefined;
	});
	engine.journal.add({kind: 'container', ...startedShellFacts(shell, started, startTimeOf(started.launcherPid))});
	return {shell, launchedAt};
};

/** How many members the archive holds (the memo usually knows); nothing when it is no readable tarball. */
const membersOf = async (probes: Probes, archive: string | undefined) => {
	if (!archive) {
		return undefined;
	}

	try {
		return (await probes.tarball(archive))?.members;
	} catch {
		return undefined;
	}
};

/**
 * Types an `in-shell` block into the container's own shell, which only works for a shell rootcamp
 * started (it owns that shell's input); for the learner's own shell, the learner types it. Waits
 * until the step's checks see the change (or briefly, for a step nothing can observe).
 */
const typeIntoContainerShell = async (engine: RunContext, step: Step, script: string, options: Options) => {
	const container = await engine.probes().container();
	const started = engine.journal.entries().find(entry => entry.kind === 'container' && entry.pid === container?.pid);
	if (!container || started?.kind !== 'container' || !started.stdin || !started.log) {
		throw new UsageError(`this block must run in the container's own shell (it changes that shell, or must run as its child, in its control group), so type it there: ${script}`);
	}

	const ref = engine.refOf(step);
	// The block has ended once no child of the shell runs: a fork bomb that is refused keeps
	// sleeping for seconds after its last `can't fork`, and the next step must not count its forks.
	// Orphans the shell inherited and has not reaped yet (zombies) have ended too.
	const ended = () => !childrenOf(container.pid).some(child => isRunning(child));
	const settle = step.unobservable || step.checks.length === 0
		? (() => {
			const until = Date.now() + 300;
			return async () => Date.now() > until && ended();
		})()
		: settleWhenQuiet(async () => (await engine.verifyStep(ref)).status === 'pass', started.log, ended);
	const printed = await typeIntoShell({stdin: started.stdin, log: started.log}, script, settle);
	if (printed) {
		options.onEvent?.({type: 'output', chunk: printed});
	}
};

/** Ends every container shell the journal says rootcamp started, and waits until each is gone. */
export const stopStartedContainers = async (engine: ShellContext) => {
	for (const entry of engine.journal.entries()) {
		if (entry.kind === 'container') {
			await endStarted(engine, entry);
		}
	}
};

/**
 * Settled once the block has ended, the step's checks pass and the shell has printed nothing for
 * a moment (at most 3 s after they pass): the check sees a fork refused at once, while the shell
 * prints its last `can't fork` or `Killed` a little later, and the learner should read those too.
 */
const settleWhenQuiet = (passes: () => Promise<boolean>, log: string, ended: () => boolean) => {
	let passedAt: number | undefined;
	let size = -1;
	let quietSince = Date.now();
	return async () => {
		const now = Date.now();
		const current = sizeOf(log);
		if (current !== size) {
			size = current;
			quietSince = now;
		}

		passedAt ??= (await passes()) ? now : undefined;
		return passedAt !== undefined && ended() && (now - quietSince >= 300 || now - passedAt >= 3000);
	};
};

const sizeOf = (path: string) => {
	try {
		return statSync(path).size;
	} catch {
		return 0;
	}
};
