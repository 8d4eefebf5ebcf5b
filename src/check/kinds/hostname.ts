import type {CheckSpec, Where} from '../../lesson/types.ts';
import type {Probes} from '../../host/probes.ts';
import type {ContainerInfo} from '../../host/types.ts';
import type {CheckResult} from '../types.ts';
import {checkOptions, firstProblem} from '../options.ts';
import {fail, noContainerMessage, pass, skip} from '../result.ts';

const sides = ['host', 'container'] as const;

/** What the hostname check needs: the side's hostname, and the host's to compare the container's with. */
export type HostnameData = {side: Where; container: ContainerInfo | null; hostname?: string; hostHostname?: string};

/** The problem with a `hostname host|container [is=NAME] [not=NAME]` line, if any. */
export function validate(check: CheckSpec): string | undefined {
	const [side] = check.args;
	const bad = ['is', 'not'].map(key => check.options[key]).find(name => name !== undefined && !name.includes('{{') && !/^[\w.-]{1,64}$/.test(name));
	return firstProblem(
		side === undefined || !(sides as readonly string[]).includes(side) ? `\`hostname\` needs \`host\` or \`container\`, got \`${side ?? ''}\`` : undefined,
		check.args.length > 1 ? `\`hostname\` takes one side, got ${check.args.length} words` : undefined,
		checkOptions(check, {values: ['is', 'not']}),
		check.options.is === undefined && check.options.not === undefined ? '`hostname` needs is=NAME or not=NAME' : undefined,
		bad === undefined ? undefined : `\`${bad}\` is not a hostname (letters, digits, \`-\` and \`.\`, at most 64)`,
	);
}

/** Reads the side's hostname, and the host's as well for the container. */
export async function probe(check: CheckSpec, probes: Probes): Promise<HostnameData> {
	const side = check.args[0] === 'container' ? 'container' : 'host';
	if (side === 'host') {
		return {side, container: null, hostname: await probes.hostname('host')};
	}

	const container = await probes.container();
	if (container === null) {
		return {side, container};
	}

	const [hostname, hostHostname] = await Promise.all([probes.hostname('container'), probes.hostname('host')]);
	return {side, container, hostname, hostHostname};
}

/** Passes when the side's hostname is `is` and is not `not`. */
export function judge(check: CheckSpec, {side, container, hostname, hostHostname}: HostnameData): CheckResult {
	if (side === 'container' && container === null) {
		return skip(check, noContainerMessage);
	}

	const {is, not} = check.options;
	const expected = [is === undefined ? '' : `called ${is}`, not === undefined ? '' : `not called ${not}`].filter(Boolean).join(', ');
	const actual = `called ${hostname ?? '(unknown)'}${side === 'container' && hostHostname !== undefined ? ` (the host: ${hostHostname})` : ''}`;
	const details = {expected, actual};
	const sharesUts = side === 'container' && !container!.own.includes('uts');
	if (is !== undefined && hostname !== is) {
		if (side === 'host') {
			return fail(check, `the host is called ${hostname}, not ${is}`, details);
		}

		if (sharesUts) {
			// hostname(1) here would rename the host: the shell shares the host's UTS namespace.
			return fail(check, `the container shares the host's UTS namespace, so its hostname is the host's (${hostname}) and hostname ${is} in it would rename the host: first give its shell a UTS namespace of its own (exec unshare --uts /bin/bash in that shell)`, details);
		}

		return fail(check, `the container is called ${hostname}, not ${is}: inside the container run hostname ${is}`, details);
	}

	if (not !== undefined && hostname === not) {
		if (side === 'host') {
			return fail(check, `the host itself is called ${not}: hostname ran in a shell that shares the host's UTS namespace, so it renamed the host. Name it back (hostname -F /etc/hostname restores the name it boots with), then rename only in a shell with its own UTS namespace`, details);
		}

		return fail(check, `the container is still called ${not}${sharesUts ? ': it shares the host\'s UTS namespace (exec unshare --uts /bin/bash in its shell gives it one)' : ': inside the container run hostname NAME'}`, details);
	}

	return pass(check, side === 'host' ? `the host is called ${hostname}` : `the container is called ${hostname}${hostHostname === undefined ? '' : `, the host ${hostHostname}`}`, details);
}
