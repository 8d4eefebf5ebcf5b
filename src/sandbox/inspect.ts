import {spawnSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import type {Paths} from '../workshop/paths.ts';
import {sandboxesDir, sandboxLayout} from './layout.ts';
import {holderAlive, readRecord, startTimeOf, type SandboxRecord} from './record.ts';

/** One sandbox as `sandbox list` shows it: read from the host, through the holder's /proc entry. */
export type SandboxSummary = {
	name: string;
	/** The holder's PID while it runs; undefined when it has ended (the folder is kept). */
	holder?: number;
	/** Processes in its PID namespace and those nested in it, the holder included. */
	processes: number;
	/** Its network namespace's links (`lo`, the lessons' `vethHost`, …). */
	links: string[];
	/** Mounts in its mount namespace. */
	mounts: number;
	/** Its `/ubunturoot` exists. */
	rootfs: boolean;
	groups: string[];
	/** Its way out: slirp4netns's PID, or why it has none. */
	network: string;
};

const linksOf = (record: SandboxRecord): string[] => {
	const result = spawnSync('nsenter', ['--target', String(record.holder), ...(record.rootless ? ['--user', '--preserve-credentials'] : []), '--net', 'ip', '-json', 'link', 'show'], {encoding: 'utf8'});
	try {
		return (JSON.parse(result.stdout) as Array<{ifname: string}>).map(link => link.ifname);
	} catch {
		return [];
	}
};

const describeNetwork = (network: SandboxRecord['network']): string => {
	if (!network) {
		return 'no network';
	}

	if ('missing' in network) {
		return `no way out: ${network.missing}`;
	}

	return startTimeOf(network.pid) === network.startTime ? `slirp4netns pid ${network.pid}` : 'slirp4netns has ended: no way out';
};

const summarize = (paths: Paths, name: string): SandboxSummary => {
	const layout = sandboxLayout(paths, name);
	const record = readRecord(layout);
	const rootfs = existsSync(join(layout.root, 'ubunturoot'));
	if (!record || !holderAlive(record)) {
		return {name, processes: 0, links: [], mounts: 0, rootfs, groups: record?.groups.roots ?? [], network: 'stopped'};
	}

	// The sandbox's own /proc lists its PID namespace and the ones nested in it (the lessons' containers).
	let processes = 0;
	try {
		processes = readdirSync(`/proc/${record.holder}/root/proc`).filter(entry => /^\d+$/.test(entry)).length;
	} catch {}

	let mounts = 0;
	try {
		mounts = readFileSync(`/proc/${record.holder}/mountinfo`, 'utf8').trim().split('\n').length;
	} catch {}

	return {name, holder: record.holder, processes, links: linksOf(record), mounts, rootfs, groups: record.groups.roots, network: describeNetwork(record.network)};
};

/** Every sandbox with a folder, alive or not, by name. */
export const listSandboxes = (paths: Paths): SandboxSummary[] => {
	const dir = sandboxesDir(paths);
	if (!existsSync(dir)) {
		return [];
	}

	return readdirSync(dir, {withFileTypes: true}).filter(entry => entry.isDirectory()).map(entry => entry.name).sort().map(name => summarize(paths, name));
};
