import {checkKinds, type CheckKind, type CheckSpec, type SideShell} from '../lesson/types.ts';
import type {Probes} from '../host/probes.ts';
import type {CheckResult} from './types.ts';
import * as cgroup from './kinds/cgroup.ts';
import * as command from './kinds/command.ts';
import * as container from './kinds/container.ts';
import * as faas from './kinds/faas.ts';
import * as file from './kinds/file.ts';
import * as hostname from './kinds/hostname.ts';
import * as jail from './kinds/jail.ts';
import * as link from './kinds/link.ts';
import * as mount from './kinds/mount.ts';
import * as overlay from './kinds/overlay.ts';
import * as packageKind from './kinds/package.ts';
import * as ping from './kinds/ping.ts';
import * as route from './kinds/route.ts';
import * as runc from './kinds/runc.ts';
import * as security from './kinds/security.ts';
import * as tarball from './kinds/tarball.ts';
import * as userns from './kinds/userns.ts';
import {fail} from './result.ts';

/**
 * The host facts a check line names, so the workshop watches them for "what changed" and reset
 * (workshop/facts/): a control group, a side shell, a path, an interface the lessons make.
 */
export type NamedFacts = {cgroups?: string[]; shells?: SideShell[]; paths?: string[]; links?: string[]};

/** One check kind: validate the line, read the facts, judge them; and say which facts it names. */
export type Kind<Data> = {
	validate(check: CheckSpec): string | undefined;
	probe(check: CheckSpec, probes: Probes): Promise<Data>;
	judge(check: CheckSpec, data: Data): CheckResult;
	watches?(check: CheckSpec): NamedFacts;
};

/** Every kind, by name; CheckKind is a closed union so a missing one fails to compile. */
export const kinds: Record<CheckKind, Kind<unknown>> = {
	tarball,
	file,
	container,
	mount,
	link,
	package: packageKind,
	command,
	route,
	ping,
	hostname,
	cgroup,
	userns,
	jail,
	overlay,
	runc,
	security,
	faas,
};

/** The problem with a check line (unknown kind or option, missing target, bad mode or regex…), or undefined. */
export function validateCheck(spec: CheckSpec): string | undefined {
	if (!(checkKinds as readonly string[]).includes(spec.kind)) {
		return `unknown check kind \`${spec.kind}\` (known: ${checkKinds.join(', ')})`;
	}

	return kinds[spec.kind].validate(spec);
}

/** The facts a check line names (a name still holding a `{{variable}}` names nothing yet). */
export function namedFacts(check: CheckSpec): NamedFacts {
	return kinds[check.kind].watches?.(check) ?? {};
}

/** Evaluates one check (variables already filled) over this round's probes; never throws. An `advice` check's result says so. */
export async function evaluateCheck(check: CheckSpec, probes: Probes): Promise<CheckResult> {
	return markAdvice(check, await judgeCheck(check, probes));
}

/** A result of an `advice` check says so: shown with the step, never its verdict. */
export function markAdvice(check: CheckSpec, result: CheckResult): CheckResult {
	return check.advice ? {...result, advice: true} : result;
}

async function judgeCheck(check: CheckSpec, probes: Probes): Promise<CheckResult> {
	const problem = validateCheck(check);
	if (problem !== undefined) {
		return fail(check, `this check line is invalid: ${problem}`);
	}

	const kind = kinds[check.kind];
	try {
		return kind.judge(check, await kind.probe(check, probes));
	} catch (error) {
		// A probe that cannot read (a missing `ip`, a process gone mid-read) is a failed check, not a crash.
		return fail(check, `could not check: ${(error as Error).message}`);
	}
}

/** The kinds that read the network: one process for both sides, the slowest fact of a round. */
const readsNetwork: ReadonlySet<string> = new Set<CheckKind>(['link', 'route', 'ping', 'hostname']);

/**
 * Starts the read that needs a process of its own before anything else is judged, so that
 * process runs while the round reads files. A failure is not lost: it surfaces in the check
 * that awaits the fact.
 */
export function startSlowReads(checks: readonly CheckSpec[], probes: Probes): void {
	if (checks.some(check => readsNetwork.has(check.kind))) {
		probes.hostLinks().catch(() => undefined);
	}
}
