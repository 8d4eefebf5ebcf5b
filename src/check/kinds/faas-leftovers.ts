import type {CheckSpec} from '../../lesson/types.ts';
import {formatLimit} from '../../host/cgroup/cgroup.ts';
import {parseAnswer} from '../../host/faas/answer.ts';
import type {FaasService} from '../../host/faas/service.ts';
import type {Answered, GroupSeen} from '../../host/faas/requests.ts';
import type {Residue} from '../../host/faas/residue.ts';
import type {CheckResult} from '../types.ts';
import {summarizeText} from '../format.ts';
import {fail, pass} from '../result.ts';

const added = (after: readonly string[], before: readonly string[]) => after.filter(item => !before.includes(item));

/** What is left, in words: the residue the check compares. */
const describeResidue = (residue: Residue): string => {
	const parts = [
		residue.requests.length > 0 ? `request dirs ${residue.requests.join(', ')}` : '',
		residue.mounts.length > 0 ? `mounts ${residue.mounts.join(', ')}` : '',
		residue.processes.length > 0 ? `processes ${residue.processes.join(', ')}` : '',
		residue.groups.length > 0 ? `groups ${residue.groups.join(', ')}` : '',
	].filter(Boolean);
	return parts.length > 0 ? parts.join('; ') : 'nothing left';
};

/** Passes when one request answered and left no directory, mount, process or group behind, and changed no shared layer. */
export function judgeClean(check: CheckSpec, service: FaasService, {before, answer, after}: {before: Residue; answer: Answered; after: Residue}): CheckResult {
	const dir = check.options.requests!;
	const request = check.options.request!;
	const expected = `after "${request}" answers: nothing new in ${dir}, no mount, process or control group left, the layers unchanged`;
	const actual = describeResidue(after);
	const details = {expected, actual};
	if (answer.error !== undefined) {
		return fail(check, `the request failed: ${answer.error}`, details);
	}

	if (answer.text.trim() === '') {
		return fail(check, `the service (pid ${service.pid}) answered nothing to "${request}": run the handler by hand to see why (echo ${request} | ${service.handler ?? 'HANDLER'})`, details);
	}

	const processes = added(after.processes.map(String), before.processes.map(String));
	if (processes.length > 0) {
		return fail(check, `the request's container still runs after it answered (pid ${processes.join(', ')}): the handler must wait for unshare to end before it cleans up`, details);
	}

	const mounts = added(after.mounts, before.mounts);
	if (mounts.length > 0) {
		return fail(check, `the request left a mount on the host (${mounts.join(', ')}): mount the overlay inside the request's own mount namespace (unshare --mount), where it ends with the request`, details);
	}

	const dirs = added(after.requests, before.requests);
	if (dirs.length > 0) {
		return fail(check, `the request left its directory behind (${dirs.map(name => `${dir}/${name}`).join(', ')}): after the container ends, the handler removes it (rm -rf $req)`, details);
	}

	const groups = added(after.groups, before.groups);
	if (groups.length > 0) {
		return fail(check, `the request left its control group behind (${groups.join(', ')}): rmdir it once the request has ended`, details);
	}

	const changed = Object.keys(after.layers).filter(layer => after.layers[layer] !== before.layers[layer]);
	if (changed.length > 0) {
		return fail(check, `the request changed the shared layer${changed.length === 1 ? '' : 's'} ${changed.join(', ')}: a request writes only to its own upper directory (upperdir= under its per-request directory)`, details);
	}

	return pass(check, `"${request}" answered (${summarizeText(answer.text, 40)}) and left nothing: no directory in ${dir}, no mount, process or control group; ${Object.keys(after.layers).length} shared layers unchanged`, details);
}

/** A group's limits and counters, in words. */
const describeGroup = (group: GroupSeen) => `${group.name}: pids.max ${formatLimit(group.pidsMax)}, memory ${formatLimit(group.memoryMax)}, ${group.forksRefused} forks refused, ${group.oomKills} OOM kills${group.vanished ? ', removed while the request was open' : ''}`;

/** Passes when the request ran in a group of its own under `cgroup=`, which hit its limit, and the service answered the next request. */
export function judgeLimit(check: CheckSpec, service: FaasService, {answer, groups, next}: {answer: Answered; groups: GroupSeen[]; next: Answered}): CheckResult {
	const hit = check.options.hit as 'pids' | 'memory';
	const parent = check.options.cgroup!;
	const request = check.options.request!;
	const what = hit === 'pids' ? 'a fork refused (pids.events max)' : 'a process ended by the OOM killer (oom_kill)';
	const expected = `"${request}" in a group of its own under ${parent}, with ${what}; then an answer to whoami`;
	const actual = groups.length > 0 ? groups.map(group => describeGroup(group)).join('; ') : `no group appeared under ${parent}`;
	const details = {expected, actual};
	if (answer.error !== undefined) {
		return fail(check, `the request failed: ${answer.error}`, details);
	}

	if (groups.length === 0) {
		return fail(check, `the request ran in no control group under ${parent}: the handler makes one per request (mkdir ${parent}/ID), writes its limits, and starts unshare from a subshell that joins it first ((echo 0 > …/cgroup.procs; exec unshare …); v1: echo 0 > …/tasks)`, details);
	}

	const held = groups.find(group => (hit === 'pids' ? group.forksRefused > 0 : group.oomKills > 0));
	const vanished = groups.find(group => group.vanished);
	if (held === undefined && vanished !== undefined) {
		return fail(check, `the request's container ended while its caller was still connected, and its group ${vanished.name} went with it before it showed ${what}: the function is PID 1 of its container, so it must survive its own misbehaviour (run the bomb or the hog in a subshell, ( … ))`, details);
	}

	if (held === undefined) {
		const limit = hit === 'pids' ? 'pids.max' : 'the memory limit';
		return fail(check, `the request's group never hit ${limit}: write the limit before the request joins the group, and move the request itself into it`, details);
	}

	const nextAnswer = parseAnswer(next.text);
	if (next.error !== undefined || nextAnswer.hostname === undefined) {
		return fail(check, `after "${request}" the service did not answer whoami (${next.error ?? (summarizeText(next.text, 60) || 'nothing')}): a request must never take the service down`, details);
	}

	const how = hit === 'pids' ? `${held.forksRefused} fork${held.forksRefused === 1 ? '' : 's'} refused at pids.max ${formatLimit(held.pidsMax)}` : `${held.oomKills} process${held.oomKills === 1 ? '' : 'es'} OOM-killed at ${formatLimit(held.memoryMax)}`;
	return pass(check, `"${request}" was held in ${held.name} (${how}), and the service (pid ${service.pid}) answered the next request (hostname ${nextAnswer.hostname})`, details);
}
