import {posix} from 'node:path';
import type {CheckSpec} from '../../lesson/types.ts';
import type {Probes} from '../../host/probes.ts';
import {
	cgroupControllers, formatLimit, groupDirs, groupOf, isGroupName, limitFiles, parseSize,
	type CgroupController, type CgroupGroup, type CgroupHierarchy, type ProcCgroup,
} from '../../host/cgroup/cgroup.ts';
import type {ContainerInfo} from '../../host/types.ts';
import type {CheckResult} from '../types.ts';
import {joinWords} from '../format.ts';
import {checkOptions, firstProblem, list} from '../options.ts';
import {fail, noContainerMessage, pass, skip} from '../result.ts';

const hits = ['pids', 'memory'] as const;

/** Whether the container's shell is in the group, and which of the group's processes are not the container's. */
export type Membership = {
	container: ContainerInfo | null;
	/** The shell's `/proc/PID/cgroup`; null when it ended while being read. */
	groups?: ProcCgroup[] | null;
	/** Processes in the group from outside the container's PID namespace: the host's own. */
	strangers: number[];
};

/** What the cgroup check needs: where the hierarchy is, the group's files, and who is in it. */
export type CgroupData = {name: string; hierarchy: CgroupHierarchy; group: CgroupGroup | null; membership?: Membership};

/** The group it names: "what changed" shows its limits, refusals and OOM kills; reset removes it. */
export const watches = (check: CheckSpec) => ({cgroups: check.args[0] !== undefined && !check.args[0].includes('{{') ? [check.args[0]] : []});

/** The problem with a `cgroup NAME [controllers=…] [member=container] [pids.max=N] [memory.max=SIZE] [hit=pids,memory]` line. */
export function validate(check: CheckSpec): string | undefined {
	const [name] = check.args;
	const controllers = list(check, 'controllers').filter(controller => !(cgroupControllers as readonly string[]).includes(controller));
	const hit = list(check, 'hit').filter(kind => !(hits as readonly string[]).includes(kind));
	const pids = check.options['pids.max'];
	const memory = check.options['memory.max'];
	return firstProblem(
		name === undefined ? '`cgroup` needs the group\'s name, such as `rootcamp`' : undefined,
		check.args.length > 1 ? `\`cgroup\` takes one group name, got ${check.args.length} words` : undefined,
		name !== undefined && !name.startsWith('{{') && !isGroupName(name) ? `\`${name}\` is not a group name: write it relative to the hierarchy's root, without \`..\` (such as \`rootcamp\`)` : undefined,
		checkOptions(check, {values: ['controllers', 'member', 'pids.max', 'memory.max', 'hit']}),
		controllers.length > 0 ? `unknown controller ${controllers.map(controller => `\`${controller}\``).join(', ')} in controllers= (known: ${cgroupControllers.join(', ')})` : undefined,
		check.options.member !== undefined && check.options.member !== 'container' ? `\`member=${check.options.member}\`: only \`member=container\` is known` : undefined,
		pids !== undefined && !/^(?:\d+|max)$/.test(pids) ? `\`pids.max=${pids}\` must be a number of processes or \`max\`` : undefined,
		memory !== undefined && parseSize(memory) === undefined ? `\`memory.max=${memory}\` must be bytes, with an optional K, M or G (such as 32M), or \`max\`` : undefined,
		hit.length > 0 ? `unknown limit ${hit.map(kind => `\`${kind}\``).join(', ')} in hit= (known: ${hits.join(', ')})` : undefined,
	);
}

/** Reads the hierarchy, the group's files and, for `member=`, where the container's shell is and who else is in the group. */
export async function probe(check: CheckSpec, probes: Probes): Promise<CgroupData> {
	const name = check.args[0]!;
	const [hierarchy, group] = await Promise.all([probes.cgroupHierarchy(), probes.cgroup(name)]);
	const data: CgroupData = {name, hierarchy, group};
	if (check.options.member === 'container') {
		const container = await probes.container();
		if (container === null) {
			data.membership = {container, strangers: []};
		} else {
			const [groups, home, theirs] = await Promise.all([
				probes.processCgroups(container.pid),
				probes.pidNamespace(container.pid),
				Promise.all((group?.procs ?? []).map(async pid => ({pid, namespace: await probes.pidNamespace(pid)}))),
			]);
			// A process that ended between the two reads has no namespace left: it is nobody's.
			const strangers = theirs.filter(({namespace}) => namespace !== undefined && namespace !== home).map(({pid}) => pid);
			data.membership = {container, groups, strangers};
		}
	}

	return data;
}

/** Passes when the group exists with its controllers, holds the container (and only it), and has the limits and hits asked for. */
export function judge(check: CheckSpec, {name, hierarchy, group, membership}: CgroupData): CheckResult {
	const expected = describeExpected(check);
	if (hierarchy.version === 'none') {
		return fail(check, `rootcamp cannot find the pids and memory controllers on this host: ${hierarchy.reason}`, {expected, actual: 'no usable cgroup hierarchy'});
	}

	const dirs = groupDirs(hierarchy, name);
	if (group === null) {
		const make = hierarchy.version === 'v2'
			? `mkdir ${dirs.pids}, and give it the controllers: echo +pids +memory > ${hierarchy.roots.pids}/cgroup.subtree_control`
			: `mkdir ${dirs.pids} ${dirs.memory} (cgroup v1 has one tree per controller)`;
		return fail(check, `there is no control group ${name}: on the host, ${make}`, {expected, actual: 'no such group'});
	}

	const actual = describeGroup(group);
	const details = {expected, actual};
	const wanted = list(check, 'controllers') as CgroupController[];
	const missing = wanted.filter(controller => !group.controllers.includes(controller));
	if (missing.length > 0) {
		const fix = hierarchy.version === 'v2'
			? `the parent does not hand ${joinWords(missing)} down to it: echo ${missing.map(controller => `+${controller}`).join(' ')} > ${posix.dirname(dirs.pids)}/cgroup.subtree_control`
			: `it has no directory in the ${joinWords(missing)} ${missing.length === 1 ? 'hierarchy' : 'hierarchies'}: mkdir ${missing.map(controller => dirs[controller]).join(' ')}`;
		return fail(check, `${name} lacks the ${joinWords(missing)} controller${missing.length === 1 ? '' : 's'}: ${fix}`, details);
	}

	if (membership !== undefined) {
		const problem = membershipProblem(name, hierarchy, group, membership);
		if (problem === 'no container') {
			return skip(check, noContainerMessage, details);
		}

		if (problem !== undefined) {
			return fail(check, problem, details);
		}
	}

	const limitProblem = limitsProblem(check, name, group);
	if (limitProblem !== undefined) {
		return fail(check, limitProblem, details);
	}

	const hitProblem = hitsProblem(check, name, group);
	if (hitProblem !== undefined) {
		return fail(check, hitProblem, details);
	}

	return pass(check, `control group ${name}: ${actual}`, details);
}

function membershipProblem(name: string, hierarchy: Extract<CgroupHierarchy, {roots: unknown}>, group: CgroupGroup, {container, groups, strangers}: Membership): string | undefined {
	if (container === null) {
		return 'no container';
	}

	if (groups === null || groups === undefined) {
		return `the container's shell (pid ${container.pid}) ended while rootcamp read its groups: check again`;
	}

	const dirs = groupDirs(hierarchy, name);
	const outside = (hierarchy.version === 'v2' ? ['pids' as const] : group.controllers)
		.filter(controller => groupOf(groups, hierarchy.version, controller) !== `/${name}`);
	if (outside.length > 0) {
		const where = hierarchy.version === 'v1' ? ` for ${joinWords(outside)}` : '';
		const writes = outside.map(controller => `echo ${container.pid} > ${dirs[controller]}/cgroup.procs`).join('; ');
		// The write-up's trap again: inside, `echo $$` says 1, and 1 on the host is its init.
		return `the container's shell (pid ${container.pid}) is not in ${name}${where}: on the host run ${writes} (its host PID, never the 1 that echo $$ prints inside)`;
	}

	if (strangers.length > 0) {
		const back = hierarchy.version === 'v2'
			? `echo PID > ${hierarchy.roots.pids}/cgroup.procs`
			: `echo PID > ${hierarchy.roots.pids}/cgroup.procs and ${hierarchy.roots.memory}/cgroup.procs`;
		return `${name} also holds ${strangers.length === 1 ? 'a process' : 'processes'} of the host, not of the container (pid ${strangers.join(', ')}): the limits apply to ${strangers.length === 1 ? 'it' : 'them'} too. Move ${strangers.length === 1 ? 'it' : 'each'} back: ${back}`;
	}

	return undefined;
}

function limitsProblem(check: CheckSpec, name: string, group: CgroupGroup): string | undefined {
	const files = limitFiles[group.version];
	const pids = check.options['pids.max'];
	if (pids !== undefined) {
		const want = pids === 'max' ? 'max' : Number(pids);
		if (group.pidsMax !== want) {
			return `${files.pids} of ${name} is ${group.pidsMax ?? 'unreadable'}, not ${pids}: on the host, echo ${pids} > ${group.dirs.pids}/${files.pids}`;
		}
	}

	const memory = check.options['memory.max'];
	if (memory !== undefined) {
		const want = parseSize(memory);
		if (group.memoryMax !== want) {
			const swap = group.version === 'v2' ? `, and echo 0 > ${group.dirs.memory}/memory.swap.max` : `, and echo 0 > ${group.dirs.memory}/memory.swappiness`;
			return `${files.memory} of ${name} is ${formatLimit(group.memoryMax)}, not ${memory}: on the host, echo ${memory} > ${group.dirs.memory}/${files.memory}${swap} (so the hog cannot spill into swap)`;
		}
	}

	return undefined;
}

function hitsProblem(check: CheckSpec, name: string, group: CgroupGroup): string | undefined {
	const wanted = list(check, 'hit');
	if (wanted.includes('pids') && !(group.forksRefused! > 0)) {
		// A bomb started with nsenter or from a host shell is not in the group: nothing holds it, nothing is counted.
		return `${name} has refused no fork yet (pids.events: max ${group.forksRefused ?? 0}): run the fork bomb in the container's own shell. A process started with nsenter or from the host stays in the group of whoever started it, and no limit holds it`;
	}

	if (wanted.includes('memory') && !(group.oomKills! > 0)) {
		return `no process in ${name} has been OOM-killed yet (oom_kill ${group.oomKills ?? 0}): run the memory hog in the container's own shell; the limit holds only processes in the group`;
	}

	return undefined;
}

function describeExpected(check: CheckSpec): string {
	const parts = [`control group ${check.args[0] ?? ''}`];
	const controllers = list(check, 'controllers');
	if (controllers.length > 0) {
		parts.push(`with ${controllers.join(', ')}`);
	}

	if (check.options.member === 'container') {
		parts.push('holding the container\'s shell and nothing of the host');
	}

	for (const limit of ['pids.max', 'memory.max']) {
		if (check.options[limit] !== undefined) {
			parts.push(`${limit} ${check.options[limit]}`);
		}
	}

	const hit = list(check, 'hit');
	if (hit.includes('pids')) {
		parts.push('a fork refused');
	}

	if (hit.includes('memory')) {
		parts.push('an OOM kill');
	}

	return parts.join(', ');
}

function describeGroup(group: CgroupGroup): string {
	const parts = [
		`cgroup ${group.version}`,
		group.controllers.length > 0 ? group.controllers.join(', ') : 'no controllers',
		group.procs.length === 1 ? `pid ${group.procs[0]}` : `${group.procs.length} processes`,
	];
	if (group.pidsMax !== undefined) {
		parts.push(`pids.max ${group.pidsMax}`);
	}

	if (group.memoryMax !== undefined) {
		parts.push(`memory.max ${formatLimit(group.memoryMax)}`);
	}

	if (group.forksRefused) {
		parts.push(`${group.forksRefused} fork${group.forksRefused === 1 ? '' : 's'} refused`);
	}

	if (group.oomKills) {
		parts.push(`${group.oomKills} OOM kill${group.oomKills === 1 ? '' : 's'}`);
	}

	return parts.join('; ');
}
