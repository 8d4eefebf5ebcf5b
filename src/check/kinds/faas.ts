import type {CheckSpec} from '../../lesson/types.ts';
import {namespaceLink} from '../../host/proc/jail.ts';
import type {Probes} from '../../host/probes.ts';
import type {FaasService} from '../../host/faas/service.ts';
import {requestNamespaces, type RequestNamespace} from '../../host/faas/answer.ts';
import type {Answered, GroupSeen, Held} from '../../host/faas/requests.ts';
import type {Residue} from '../../host/faas/residue.ts';
import type {CheckResult} from '../types.ts';
import {checkOptions, checkPath, firstProblem, flag} from '../options.ts';
import {fail, skip} from '../result.ts';
import {judgeAnswers, judgeIsolated} from './faas-isolated.ts';
import {judgeClean, judgeLimit} from './faas-leftovers.ts';

/** What each form of the check asked the service, and what came back. */
export type FaasData = {
	socket: string;
	service: FaasService | undefined;
	socat: boolean;
	host?: {namespaces: Partial<Record<RequestNamespace, string>>; hostname?: string};
	answers?: Answered;
	concurrent?: Held[];
	residue?: {before: Residue; answer: Answered; after: Residue};
	limit?: {answer: Answered; groups: GroupSeen[]; next: Answered};
};

const hits = ['pids', 'memory'];

/** Its `cgroup=` group: "what changed" shows it, and reset removes it with what requests left under it. */
export const watches = (check: CheckSpec) => {
	const group = check.options.cgroup;
	return {cgroups: group !== undefined && !group.includes('{{') ? [group] : []};
};

/** Which question the line asks. */
const formOf = (check: CheckSpec): 'answers' | 'isolated' | 'clean' | 'limit' | undefined => {
	if (flag(check, 'isolated')) {
		return 'isolated';
	}

	if (flag(check, 'clean')) {
		return 'clean';
	}

	if (check.options.hit !== undefined) {
		return 'limit';
	}

	return flag(check, 'answers') ? 'answers' : undefined;
};

/** The problem with a `faas SOCKET answers | concurrent=N isolated | request=R clean requests=DIR layers=L:L [cgroup=G] | request=R hit=pids|memory cgroup=G` line. */
export function validate(check: CheckSpec): string | undefined {
	const form = formOf(check);
	const {concurrent} = check.options;
	return firstProblem(
		checkPath(check.args[0], 'the service\'s Unix socket'),
		check.args.length > 1 ? `\`faas\` takes one socket, got ${check.args.length} words` : undefined,
		checkOptions(check, {values: ['concurrent', 'request', 'requests', 'layers', 'cgroup', 'hit'], flags: ['answers', 'isolated', 'clean']}),
		form === undefined ? '`faas` needs what to ask: answers, isolated, clean or hit=pids|memory' : undefined,
		[flag(check, 'answers'), flag(check, 'isolated'), flag(check, 'clean'), check.options.hit !== undefined].filter(Boolean).length > 1 ? 'ask one thing per line: answers, isolated, clean or hit=' : undefined,
		form === 'isolated' && (concurrent === undefined || !/^\d+$/.test(concurrent) || Number(concurrent) < 2 || Number(concurrent) > 8) ? '`isolated` needs concurrent=N, 2 to 8 requests at once' : undefined,
		form === 'clean' && (check.options.request === undefined || check.options.requests === undefined || check.options.layers === undefined) ? '`clean` needs request=, requests=DIR (where the handler keeps each request\'s files) and layers=L2:L1 (the shared layers)' : undefined,
		form === 'clean' && check.options.requests !== undefined ? checkPath(check.options.requests, 'requests=') : undefined,
		form === 'limit' && !hits.includes(check.options.hit!) ? `\`hit=${check.options.hit}\`: known limits are ${hits.join(', ')}` : undefined,
		form === 'limit' && (check.options.request === undefined || check.options.cgroup === undefined) ? '`hit=` needs request= (what to send) and cgroup= (the group the handler makes each request\'s group in)' : undefined,
	);
}

/** Finds the listener and asks it what the line asks; a missing listener asks nothing. */
export async function probe(check: CheckSpec, probes: Probes): Promise<FaasData> {
	const socket = check.args[0]!;
	const service = (await probes.faasServices()).find(each => each.socket === socket);
	const data: FaasData = {socket, service, socat: probes.hasSocat()};
	if (service === undefined) {
		return data;
	}

	const request = check.options.request ?? 'whoami';
	switch (formOf(check)) {
		case 'isolated': {
			const namespaces = Object.fromEntries(requestNamespaces.map(kind => [kind, namespaceLink('self', kind, probes.proc)]));
			data.host = {namespaces, hostname: await probes.hostname('host')};
			data.concurrent = await probes.faasConcurrent(socket, Number(check.options.concurrent));
			break;
		}

		case 'clean': {
			const layers = check.options.layers!.split(':').filter(Boolean);
			data.residue = await probes.faasResidue(socket, {request, requests: check.options.requests!, layers, ...(check.options.cgroup ? {cgroup: check.options.cgroup} : {})});
			break;
		}

		case 'limit': {
			data.limit = await probes.faasLimit(socket, {request, hit: check.options.hit as 'pids' | 'memory', cgroup: check.options.cgroup!});
			break;
		}

		default: {
			data.answers = await probes.faasAsk(socket, request);
		}
	}

	return data;
}

/** Passes when the service listens and its requests do what the line asks (see each form's judge). */
export function judge(check: CheckSpec, data: FaasData): CheckResult {
	if (data.service === undefined) {
		if (!data.socat) {
			return skip(check, 'socat is not installed on this host, and the faas lesson listens with it: apt-get install socat', {expected: `a faas service on ${data.socket}`, actual: 'no socat'});
		}

		return fail(check, `nothing listens on ${data.socket}: start the service (the faas/service step: setsid -f socat UNIX-LISTEN:${data.socket},fork,… EXEC:HANDLER)`, {expected: `socat listening on ${data.socket}`, actual: 'no listener'});
	}

	if (data.concurrent) {
		return judgeIsolated(check, data.service, data.host ?? {namespaces: {}}, data.concurrent);
	}

	if (data.residue) {
		return judgeClean(check, data.service, data.residue);
	}

	if (data.limit) {
		return judgeLimit(check, data.service, data.limit);
	}

	return judgeAnswers(check, data.service, data.answers ?? {text: ''});
}
