import {rmSync, writeFileSync} from 'node:fs';
import {listProcesses} from '../host/proc/processes.ts';
import {runProcess} from '../run/process.ts';
import type {JournalEntry} from './journal.ts';
import {stopStartedContainers} from './solve-step.ts';
import {lessonLinks} from './course-nav.ts';
import {facts} from './facts/registry.ts';
import {removeCgroup} from './remove-cgroup.ts';
import {removeRuncContainer, runcContainersIn} from './remove-runc.ts';
import {stopSideShells} from './side-shells.ts';
import {stopServices} from './services.ts';
import {forgetTarballListings} from './tarball-memo.ts';
import type {ResetContext} from './context.ts';

/** What a reset did, and what it found but left alone (not created by rootcamp, or unsafe to touch). */
export type ResetResult = {done: string[]; left: string[]};

const under = (path: string, tree: string) => path === tree || path.startsWith(`${tree.replace(/\/$/, '')}/`);

/** In words, what `reset` is about to undo: shown before asking for confirmation. */
export const planReset = (engine: ResetContext, purge: boolean): string[] =>
	[...engine.journal.entries()]
		.filter(entry => purge || (entry.kind !== 'rootfs' && entry.kind !== 'source'))
		.sort((a, b) => undoOrder.indexOf(a.kind) - undoOrder.indexOf(b.kind))
		.map(describeEntry);

/** Processes first (their namespaces and moved links die with them), trees last. */
const undoOrder: Array<JournalEntry['kind']> = ['container', 'shell', 'service', 'runc', 'cgroup', 'subtree', 'link', 'mount', 'file', 'tree', 'source', 'rootfs'];

const describeEntry = (entry: JournalEntry): string => {
	switch (entry.kind) {
		case 'container': {
			return `end the container shell rootcamp started (pid ${entry.pid})`;
		}

		case 'link': {
			return `delete the interface ${entry.name} (and its veth peer)`;
		}

		case 'mount': {
			return `unmount ${entry.target}`;
		}

		case 'file': {
			return `delete ${entry.path}`;
		}

		case 'rootfs': {
			return `delete the rootfs ${entry.path}`;
		}

		case 'source': {
			return `delete the source filesystem ${entry.path}`;
		}

		case 'runc': {
			return `delete the runc container ${entry.id} (runc delete --force)`;
		}

		case 'tree': {
			return `delete ${entry.path} (${entry.what})`;
		}

		case 'service': {
			return `end the ${entry.name} service rootcamp started (pid ${entry.pid}, with the requests it serves) and remove its socket ${entry.socket}`;
		}

		case 'shell': {
			return `end the ${entry.name} shell rootcamp started (pid ${entry.pid})`;
		}

		case 'cgroup': {
			return `remove the control group ${entry.path} (moving out anything left in it)`;
		}

		case 'subtree': {
			return `stop handing ${entry.controllers.join(' and ')} down from ${entry.path} (as before the lesson)`;
		}
	}
};

/**
 * Undoes what the journal says the workshop created, in an order that is always safe: processes
 * first (their namespaces, mounts and moved veth ends die with them), then links, mounts, files,
 * and with `purge` the trees — each only once nothing is mounted under it and no process lives
 * in it. Idempotent: a second run finds an empty journal and does nothing.
 */
export const reset = async (engine: ResetContext, purge: boolean): Promise<ResetResult> => {
	const done: string[] = [];
	const left: string[] = [];
	const containers = engine.journal.entries().filter(entry => entry.kind === 'container');
	await stopStartedContainers(engine);
	done.push(...containers.map(describeEntry));
	done.push(...(await stopSideShells(engine)).map(describeEntry));
	done.push(...(await stopServices(engine)).map(describeEntry));
	for (const entry of engine.journal.entries()) {
		if (entry.kind === 'runc') {
			const problem = await removeRuncContainer(entry.id);
			if (problem === undefined) {
				done.push(describeEntry(entry));
				engine.journal.remove(entry);
			} else {
				left.push(`could not delete the runc container ${entry.id}: ${problem}`);
			}
		}
	}

	for (const entry of engine.journal.entries()) {
		if (entry.kind === 'cgroup') {
			// After the shells: what is still in the group then is not rootcamp's, and is moved out rather than killed.
			const removal = await removeCgroup(entry.path);
			if (removal.removed) {
				done.push(`${describeEntry(entry).replace(/ \(moving.*\)$/, '')}${removal.moved.length > 0 ? ` (moved pid ${removal.moved.join(', ')} to its parent group)` : ''}`);
				engine.journal.remove(entry);
			} else {
				left.push(`could not remove the control group ${entry.path}: ${removal.problem}`);
			}
		}
	}

	for (const entry of engine.journal.entries()) {
		if (entry.kind === 'subtree') {
			// After the groups: a controller a child group still uses cannot be turned off (EBUSY).
			const problem = turnOffControllers(entry.path, entry.controllers);
			if (problem) {
				left.push(`${entry.path} still hands ${entry.controllers.join(' and ')} down: ${problem}`);
			} else {
				done.push(describeEntry(entry));
				engine.journal.remove(entry);
			}
		}
	}

	for (const entry of engine.journal.entries()) {
		switch (entry.kind) {
			case 'link': {
				const hostLinks = await engine.probes().hostLinks();
				if (hostLinks.some(link => link.name === entry.name)) {
					const result = await runProcess(['ip', 'link', 'del', entry.name]);
					if (result.exitCode !== 0 && (await engine.probes().hostLinks()).some(link => link.name === entry.name)) {
						left.push(`could not delete ${entry.name}: ${result.output.trim()}`);
						continue;
					}

					done.push(describeEntry(entry));
				}

				engine.journal.remove(entry);
				break;
			}

			case 'mount': {
				const result = await runProcess(['umount', entry.target]);
				if (result.exitCode === 0 || !(await engine.probes().hostMounts()).some(mount => mount.target === entry.target)) {
					done.push(describeEntry(entry));
					engine.journal.remove(entry);
				} else {
					left.push(`could not unmount ${entry.target}: ${result.output.trim()}`);
				}

				break;
			}

			case 'file': {
				rmSync(entry.path, {force: true});
				done.push(describeEntry(entry));
				engine.journal.remove(entry);
				break;
			}

			default: {
				// Processes, groups and trees are undone in the rounds before and after this one.
				break;
			}
		}
	}

	for (const entry of engine.journal.entries()) {
		// A lesson's own folder goes with every reset (like the tarball); the trees a route built only with --purge.
		if (entry.kind === 'tree' || ((entry.kind === 'rootfs' || entry.kind === 'source') && purge)) {
			const refusal = await whyNotDelete(engine, entry.path);
			if (refusal) {
				left.push(`kept ${entry.path}: ${refusal}`);
				continue;
			}

			rmSync(entry.path, {recursive: true, force: true});
			done.push(describeEntry(entry));
			engine.journal.remove(entry);
		}
	}

	left.push(...await leftovers(engine));
	forgetTarballListings(engine.paths.cache);
	engine.clearProgress();
	return {done, left};
};

/** A tree is deleted only when nothing is mounted in it and no process has its root in it. */
export const whyNotDelete = async (engine: ResetContext, tree: string): Promise<string | undefined> => {
	const probes = engine.probes();
	const mounted = (await probes.hostMounts()).filter(mount => under(mount.target, tree));
	if (mounted.length > 0) {
		return `something is mounted under it (${mounted.map(mount => mount.target).join(', ')}): unmount it first`;
	}

	const living = (await listProcesses()).filter(process => process.root && under(process.root, tree));
	if (living.length > 0) {
		return `processes still run inside it (pid ${living.map(process => process.pid).join(', ')}): exit their shells first`;
	}

	const runc = runcContainersIn(tree);
	if (runc.length > 0) {
		return `runc's container ${runc.join(', ')} runs on it: runc delete --force ${runc[0]} first`;
	}

	// A pivoted jail's root is the rootfs, though its root reads `/` from here: only its mount table tells.
	const jail = under(engine.rootfs, tree) ? await probes.jail() : null;
	if (jail !== null) {
		return `the jail shell (pid ${jail.pid}) has the rootfs mounted in its own mount namespace: exit it first (or kill -9 ${jail.pid})`;
	}

	return undefined;
};

/** What looks like the workshop's but is not in the journal: shells, links and groups the learner made by hand. */
const leftovers = async (engine: ResetContext): Promise<string[]> => {
	const context = {
		probes: engine.probes(),
		watch: engine.isolationWatch(),
		journal: engine.journal.entries(),
		lessonLinks: new Set(lessonLinks(engine.course)),
	};
	const found = await Promise.all(facts.map(async fact => fact.leftovers?.(context) ?? []));
	return found.flat();
};

/** Writes `-pids -memory` to a group's `cgroup.subtree_control`; the kernel's refusal, if any, in words. */
const turnOffControllers = (path: string, controllers: string[]): string | undefined => {
	try {
		writeFileSync(`${path}/cgroup.subtree_control`, controllers.map(controller => `-${controller}`).join(' '));
		return undefined;
	} catch (error) {
		const {code} = error as NodeJS.ErrnoException;
		if (code === 'ENOENT') {
			return undefined;
		}

		return code === 'EBUSY' ? 'another group under it uses them' : (error as Error).message;
	}
};
