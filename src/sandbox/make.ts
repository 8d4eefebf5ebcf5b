import {spawn} from 'node:child_process';
import {closeSync, mkdirSync, openSync, readFileSync, realpathSync, rmSync, writeFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {HostError} from '../errors.ts';
import type {Paths} from '../workshop/paths.ts';
import {makeGroups, planGroups, removeGroups, type SandboxGroups} from './cgroups.ts';
import {holderScript, joinGroupsScript} from './holder-script.ts';
import {rootlessIdMap, unshareUserOptions} from './id-map.ts';
import {sandboxLayout, type SandboxLayout} from './layout.ts';
import {startNetwork, stopNetwork} from './network.ts';
import {sandboxVariable} from './note.ts';
import {planRoot} from './root-plan.ts';
import {holderAlive, readNamespaceLinks, readRecord, startTimeOf, writeRecord, type SandboxRecord} from './record.ts';

/**
 * A rootless sandbox's control groups: none. The kernel mounts no cgroup v1 hierarchy in a user
 * namespace, and writing to a v2 group needs a subtree delegated to the user (systemd's user
 * session has one; a plain login has not): the limits lesson says why it cannot run.
 */
const rootlessGroups: SandboxGroups = {
	roots: [],
	members: [],
	mounts: [],
	missing: 'a rootless sandbox has no control groups of its own: cgroup v1 is never mounted in a user namespace, and v2 needs a subtree delegated to the user',
};

/** The holder's `ready PID`, or its error: what it wrote to stderr before it died. */
const waitForReady = async (child: ReturnType<typeof spawn>, layout: SandboxLayout, timeout = 15_000): Promise<number> => new Promise((resolve, reject) => {
	let seen = '';
	const fail = (why: string) => {
		clearTimeout(timer);
		let log = '';
		try {
			log = readFileSync(layout.log, 'utf8').trim();
		} catch {}

		reject(new HostError(`sandbox ${layout.name} could not be made: ${why}${log ? `\n${log}` : ''}`));
	};

	const timer = setTimeout(() => {
		fail(`its holder said nothing for ${timeout / 1000} s`);
	}, timeout);
	child.stdout!.on('data', (chunk: Buffer) => {
		seen += chunk.toString();
		const ready = /ready (\d+)/.exec(seen);
		if (ready) {
			clearTimeout(timer);
			child.stdout!.destroy();
			resolve(Number(ready[1]));
		}
	});
	child.once('error', error => {
		fail(error.message);
	});
	child.once('exit', code => {
		fail(`its holder exited (${code ?? 'killed'})`);
	});
});

/** One maker at a time per sandbox: a lock file holding the maker's PID, taken over when that PID is gone. */
const withLock = async <T>(layout: SandboxLayout, work: () => Promise<T>): Promise<T> => {
	const lock = join(layout.dir, '.making');
	const deadline = Date.now() + 30_000;
	for (;;) {
		try {
			closeSync(openSync(lock, 'wx'));
			writeFileSync(lock, String(process.pid));
			break;
		} catch {
			const owner = Number(readFileSync(lock, {encoding: 'utf8', flag: 'a+'}));
			if (!owner || startTimeOf(owner) === undefined || Date.now() > deadline) {
				rmSync(lock, {force: true});
				continue;
			}

			await new Promise(resolve => {
				setTimeout(resolve, 100);
			});
		}
	}

	try {
		return await work();
	} finally {
		rmSync(lock, {force: true});
	}
};

/**
 * The folders rootcamp runs from, as the host has them: the package of the running command
 * (`dist/cli.js`'s parent) and node's own (`bin/node`'s parent). The sandbox binds those that lie
 * under a tree it has its own of (a clone in /tmp), so the command that enters it is found there.
 */
const runningFrom = (): string[] => [process.argv[1], process.execPath].flatMap(path => {
	try {
		return path ? [dirname(dirname(realpathSync(path)))] : [];
	} catch {
		return [];
	}
});

/** Starts a holder for `layout`: the namespaces, the mounts, the groups; returns its record. */
const startHolder = async (layout: SandboxLayout, paths: Paths): Promise<SandboxRecord> => {
	for (const dir of [layout.root, layout.state, layout.cache, paths.state, paths.cache]) {
		mkdirSync(dir, {recursive: true});
	}

	// Without root the sandbox stands on a user namespace of its own, where the calling user is
	// root, and the user's /etc/subuid block (where there is one) is uids 1 and up.
	const rootless = process.getuid?.() !== 0;
	const idMap = rootlessIdMap();
	const groups = rootless ? rootlessGroups : planGroups(layout.name);
	makeGroups(groups);
	const plan = planRoot(layout, paths, groups, {carry: runningFrom()});
	const fstabs = {before: join(layout.dir, 'before.fstab'), after: join(layout.dir, 'after.fstab')};
	writeFileSync(fstabs.before, plan.before);
	writeFileSync(fstabs.after, plan.after);
	const log = openSync(layout.log, 'w');
	// The holder joins its groups itself, from inside the new namespaces (the host's cgroup
	// filesystems are still in view), and only then unshares its cgroup namespace, whose root is
	// the group it is in. So `unshare`, which waits outside, stays where its maker is: on v2 a
	// process of its in the sandbox's root group would forbid that group to hand controllers down,
	// and the limits lesson's `echo +pids +memory` inside would be refused.
	const child = spawn('unshare', [
		...(rootless ? unshareUserOptions(idMap) : []), '--mount', '--net', '--pid', '--uts', '--ipc', '--time', '--fork', '--propagation', 'private',
		'sh', '-c', joinGroupsScript, 'sh', ...groups.roots, '--',
		'unshare', '--cgroup', 'sh', '-c', holderScript, 'holder', layout.root, fstabs.before, fstabs.after, groups.init ?? '',
	], {detached: true, stdio: ['ignore', 'pipe', log]});
	closeSync(log);
	let holder: number;
	try {
		holder = await waitForReady(child, layout);
	} catch (error) {
		await removeGroups(groups, 1000);
		throw error;
	} finally {
		child.unref();
		child.removeAllListeners('exit');
	}

	const namespaces = readNamespaceLinks(holder);
	const startTime = startTimeOf(holder);
	if (!namespaces || startTime === undefined) {
		throw new HostError(`sandbox ${layout.name}'s holder (pid ${holder}) ended as soon as it was ready`);
	}

	const network = await startNetwork(layout, holder);
	const record: SandboxRecord = {name: layout.name, holder, startTime, namespaces, groups, network, rootless, ...(idMap ? {idMap} : {}), created: new Date().toISOString()};
	writeRecord(layout, record);
	return record;
};

/**
 * Sandbox NAME, made on first use: its running holder, or a new one. A sandbox whose holder has
 * ended (a reboot, a kill) keeps its folder, so the learner's `/ubunturoot` and progress are
 * still there; only its namespaces and groups are made anew.
 */
export const openSandbox = async (paths: Paths, name: string): Promise<SandboxRecord> => {
	if (process.env[sandboxVariable]) {
		throw new HostError(`this is already sandbox ${process.env[sandboxVariable]}: sandboxes do not nest`);
	}

	const layout = sandboxLayout(paths, name);
	mkdirSync(layout.dir, {recursive: true});
	return withLock(layout, async () => {
		const known = readRecord(layout);
		if (known && holderAlive(known)) {
			return known;
		}

		if (known) {
			await stopNetwork(known.network);
			await removeGroups(known.groups, 1000);
		}

		return startHolder(layout, paths);
	});
};
