import {rmSync} from 'node:fs';
import type {Probes} from '../host/probes.ts';
import {realPathOrSame} from '../host/rootfs/files.ts';
import {namespaceLink} from '../host/proc/jail.ts';
import {outsideId} from '../host/proc/rootless.ts';
import {launchedShell} from '../host/proc/side-shells.ts';
import type {SideShell} from '../lesson/types.ts';
import {runInContainer} from '../run/container.ts';
import type {ProcessResult, RunOptions} from '../run/process.ts';
import {isAlive, launchContainer, waitForShell} from '../run/start-container.ts';
import {killStarted, startTimeOf, waitGone} from '../run/signal.ts';
import {UsageError} from '../errors.ts';
import {namedSteps} from '../lesson/named-steps.ts';
import {startedShellFacts, type JournalEntry} from './journal.ts';
import {layeredRoot} from './variables.ts';
import type {ShellContext} from './context.ts';

/** The namespace that makes each side shell what it is. */
const definingNamespace: Record<SideShell, 'mnt' | 'user'> = {jail: 'mnt', rootless: 'user', layered: 'mnt'};

/** How a learner gets each side shell back when rootcamp cannot find it. */
const howToStart: Record<SideShell, string> = {
	jail: `start it first (rootcamp solve ${namedSteps.jail})`,
	rootless: `start it first (rootcamp solve ${namedSteps.rootless})`,
	layered: `start it first (rootcamp solve ${namedSteps.layered})`,
};

/** Each side shell, as this round's probes find it. */
const findShell = async (probes: Probes, name: SideShell): Promise<{pid: number; root?: string} | null> => {
	switch (name) {
		case 'jail': {
			return probes.jail();
		}

		case 'rootless': {
			return probes.rootless();
		}

		case 'layered': {
			return probes.layered();
		}
	}
};

type ShellEntry = Extract<JournalEntry, {kind: 'shell'}>;

/**
 * Starts a side shell as a learner would in a second terminal: in the background, from `/`, its
 * input a FIFO so it stays alive after rootcamp exits. A side shell of the same name rootcamp
 * started before is ended first. The journal records the shell itself (for the jail, the PID 1
 * that `unshare --fork` made, not unshare), so reset ends exactly it.
 */
export const startSideShell = async (engine: ShellContext, name: SideShell, commandLine: string): Promise<void> => {
	await stopSideShells(engine, name);
	const started = await launchContainer(commandLine, engine.paths.run, {name, cwd: '/'});
	const shell = await waitForShell(started, async () => launchedShell(started.launcherPid, definingNamespace[name]));
	engine.journal.add({kind: 'shell', name, ...startedShellFacts(shell, started, startTimeOf(started.launcherPid))});
};

/**
 * Runs a block inside a side shell, through nsenter on its PID (as for the container, so it works
 * for a shell the learner started too). Refuses anything that would land on the host itself: a
 * jail block in rootcamp's own mount namespace (pivot_root there would switch the host's root), or
 * a rootless block in a namespace that is root outside.
 */
export const runInSideShell = async (engine: ShellContext, name: SideShell, script: string, options: RunOptions): Promise<ProcessResult> => {
	const pid = await sideShellPid(engine, name);
	if (pid === undefined) {
		throw new UsageError(`no ${name} shell is running: ${howToStart[name]}`);
	}

	const problem = await unsafeTarget(engine, name, pid);
	if (problem !== undefined) {
		throw new UsageError(`refusing to run this ${name} block in pid ${pid}: ${problem}`);
	}

	return runInContainer(pid, script, options);
};

/** The side shell's PID: the one a learner's by-hand shell is found as, else the one rootcamp started (before it is findable). */
const sideShellPid = async (engine: ShellContext, name: SideShell): Promise<number | undefined> => {
	const probes = engine.probes();
	const found = await findShell(probes, name);
	if (found !== null) {
		return found.pid;
	}

	const started = startedShells(engine, name).find(entry => startTimeOf(entry.pid) === entry.startTime);
	return started?.pid;
};

const unsafeTarget = async (engine: ShellContext, name: SideShell, pid: number): Promise<string | undefined> => {
	const {proc} = engine.probes();
	const kind = definingNamespace[name];
	const theirs = namespaceLink(pid, kind, proc);
	if (theirs === undefined || theirs === namespaceLink('self', kind, proc)) {
		return `it is not in a ${kind === 'mnt' ? 'mount' : 'user'} namespace of its own`;
	}

	if (name === 'layered' && realPathOrSame(`${proc}/${pid}/root`) !== realPathOrSame(layeredRoot(engine.paths))) {
		// Its blocks write and delete files as root: anywhere but the overlay, that would be the host's tree.
		return `its root is not the overlay ${layeredRoot(engine.paths)}`;
	}

	if (name === 'rootless') {
		const shell = await engine.probes().rootless();
		const outside = shell?.pid === pid ? outsideId(shell.uidMap, 0) : undefined;
		if (outside === undefined) {
			return `its user namespace has no uid map for root yet (write it first: the ${namedSteps.rootlessMap} step)`;
		}

		if (outside === 0 || shell!.uid === 0) {
			return 'it is root on the host too';
		}
	}

	return undefined;
};

const startedShells = (engine: ShellContext, name?: SideShell): ShellEntry[] =>
	engine.journal.entries().filter((entry): entry is ShellEntry => entry.kind === 'shell' && (name === undefined || entry.name === name));

/** Ends the side shells rootcamp started (of one name, or all), each only if it is still that same process. */
export const stopSideShells = async (engine: ShellContext, name?: SideShell): Promise<ShellEntry[]> => {
	const stopped = startedShells(engine, name);
	for (const entry of stopped) {
		await endStarted(engine, entry);
	}

	return stopped;
};

/**
 * Ends a shell rootcamp started (the container's or a side shell), only if it is still that same
 * process, then its launcher, and removes its input and log; waits until each is gone, so what it
 * held (a network namespace, its veth) is gone too.
 */
export const endStarted = async (engine: ShellContext, entry: Extract<JournalEntry, {kind: 'shell' | 'container'}>) => {
	// SIGKILL: the shell is a PID namespace's init, which ignores SIGTERM from outside.
	killStarted(entry.pid, entry.startTime);
	await waitGone(entry.pid);
	if (entry.launcherPid && entry.launcherStartTime && entry.launcherPid !== entry.pid && isAlive(entry.launcherPid)) {
		killStarted(entry.launcherPid, entry.launcherStartTime);
		await waitGone(entry.launcherPid, 1000);
	}

	for (const file of [entry.log, entry.stdin]) {
		if (file) {
			rmSync(file, {force: true});
		}
	}

	engine.journal.remove(entry);
};
