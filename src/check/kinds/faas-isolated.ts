import type {CheckSpec} from '../../lesson/types.ts';
import {parseAnswer, requestNamespaces, type FaasAnswer, type RequestNamespace} from '../../host/faas/answer.ts';
import type {FaasService} from '../../host/faas/service.ts';
import type {Answered, Held} from '../../host/faas/requests.ts';
import type {CheckResult} from '../types.ts';
import {joinWords, summarizeText} from '../format.ts';
import {fail, pass} from '../result.ts';

/** The `unshare` flag that gives a request each namespace, for messages. */
const flags: Record<RequestNamespace, string> = {pid: '--pid --fork', mnt: '--mount', uts: '--uts', ipc: '--ipc', net: '--net'};

/** One answer in a line: what a learner compares by eye. */
const describe = (answer: FaasAnswer): string =>
	[`hostname ${answer.hostname ?? '?'}`, ...requestNamespaces.map(kind => answer.namespaces[kind] ?? `${kind}:?`), `interfaces ${answer.interfaces?.join(',') || 'none'}`].join(' ');

/** Passes when a whoami request gets an answer with a hostname line. */
export function judgeAnswers(check: CheckSpec, service: FaasService, answered: Answered): CheckResult {
	const expected = `an answer to whoami on ${service.socket} (hostname: …)`;
	if (answered.error !== undefined) {
		return fail(check, `socat (pid ${service.pid}) listens, but the request failed: ${answered.error}`, {expected, actual: answered.error});
	}

	const answer = parseAnswer(answered.text);
	if (answer.hostname === undefined) {
		return fail(check, `the service (pid ${service.pid}) answered no hostname line: check its log, and run the handler by hand (echo whoami | ${service.handler ?? 'HANDLER'})`, {expected, actual: summarizeText(answered.text, 80) || 'nothing'});
	}

	return pass(check, `the faas service (pid ${service.pid}) answers on ${service.socket}: hostname ${answer.hostname}`, {expected, actual: describe(answer)});
}

/** The first problem with a set of concurrent answers, in words with the fix; undefined when they are isolated. */
function isolationProblem(host: {namespaces: Partial<Record<RequestNamespace, string>>; hostname?: string}, held: Held[], answers: FaasAnswer[]): string | undefined {
	for (const [index, request] of held.entries()) {
		const name = `request ${index + 1}`;
		const answer = answers[index]!;
		if (request.error !== undefined) {
			return `${name} failed: ${request.error}`;
		}

		if (!request.complete) {
			return `${name} gave no whole answer in time (a hostname line, five namespace lines, then interfaces:): it said ${summarizeText(request.text, 60) || 'nothing'}`;
		}

		const missing = requestNamespaces.filter(kind => answer.namespaces[kind] === undefined);
		if (missing.length > 0) {
			return `${name} printed no ${joinWords(missing)} namespace: readlink /proc/self/ns/… needs a /proc in its root (unshare --root=ROOT --mount-proc, or mount -t proc proc ROOT/proc before chroot, in a PID namespace of its own)`;
		}

		const shared = requestNamespaces.filter(kind => answer.namespaces[kind] === host.namespaces[kind]);
		if (shared.length > 0) {
			return `${name} shares the host's ${joinWords(shared)} namespace${shared.length === 1 ? '' : 's'}: start it with unshare ${shared.map(kind => flags[kind]).join(' ')}`;
		}

		if (answer.hostname === undefined || answer.hostname === host.hostname) {
			return `${name} is named ${answer.hostname ?? 'nothing'}, as the host is: in its UTS namespace, give it a name of its own (hostname faas-ID)`;
		}

		if (answer.interfaces?.join(' ') !== 'lo') {
			return `${name} sees the interfaces ${answer.interfaces?.join(', ') || 'none'}: a network namespace of its own (unshare --net) has lo and nothing else`;
		}

		if (request.living.length === 0) {
			return `while ${name} was held open no host process was in its PID namespace (${answer.namespaces.pid}): its container had ended. The function must wait for its caller to hang up (end it by reading its input to the end: while read -r _; do :; done)`;
		}

		// What the function printed is only its word: the host's /proc says where its process really is.
		const untrue = requestNamespaces.filter(kind => request.seen?.[kind] !== undefined && request.seen[kind] !== answer.namespaces[kind]);
		if (untrue.length > 0) {
			return `${name} says its ${joinWords(untrue)} namespace${untrue.length === 1 ? ' is' : 's are'} ${untrue.map(kind => answer.namespaces[kind]).join(' ')}, but its process (host pid ${request.living[0]}) is in ${untrue.map(kind => request.seen![kind]).join(' ')}: the function must print its own (readlink /proc/self/ns/…), in the container`;
		}
	}

	for (const kind of requestNamespaces) {
		const values = answers.map(answer => answer.namespaces[kind]);
		if (new Set(values).size < values.length) {
			return `the requests share a ${kind} namespace (${values.join(', ')}): each request must get a new one (unshare ${flags[kind]} in the handler, once per request)`;
		}
	}

	const names = answers.map(answer => answer.hostname);
	if (new Set(names).size < names.length) {
		return `the requests are all named ${names[0]}: give each its own hostname (echo faas-ID > /proc/sys/kernel/hostname, with the request's ID)`;
	}

	return undefined;
}

/** Passes when N requests held at once each ran in new pid, mnt, uts, ipc and net namespaces, none the host's or another's, named apart, with only lo. */
export function judgeIsolated(check: CheckSpec, service: FaasService, host: {namespaces: Partial<Record<RequestNamespace, string>>; hostname?: string}, held: Held[]): CheckResult {
	const answers = held.map(request => parseAnswer(request.text));
	const expected = `${held.length} requests at once, each with its own ${requestNamespaces.join(', ')} namespaces (not the host's ${requestNamespaces.map(kind => host.namespaces[kind]).join(' ')}), its own hostname (not ${host.hostname ?? 'the host\'s'}) and only lo`;
	const actual = answers.map((answer, index) => `${index + 1}: ${describe(answer)}`).join('; ');
	const problem = isolationProblem(host, held, answers);
	if (problem !== undefined) {
		return fail(check, problem, {expected, actual});
	}

	const pids = held.map(request => request.living[0]);
	return pass(check, `${held.length} requests on ${service.socket} ran at once, each in a container of its own: ${answers.map((answer, index) => `${answer.hostname} (host pid ${pids[index]})`).join(', ')}; none shares a namespace with the host or with another`, {expected, actual});
}
