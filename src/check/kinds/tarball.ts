import type {CheckSpec} from '../../lesson/types.ts';
import type {Probes} from '../../host/probes.ts';
import type {TarballListing} from '../../host/rootfs/tarball.ts';
import type {CheckResult} from '../types.ts';
import {formatSize} from '../format.ts';
import {checkOptions, checkPath, firstProblem, list} from '../options.ts';
import {fail, pass} from '../result.ts';
import {namedSteps, stepIdOf} from '../../lesson/named-steps.ts';

/** What the tarball check needs: the listing, or why there is none. */
export type TarballData = {path: string; listing: TarballListing | null; error?: string};

/** The problem with a `tarball PATH has=… lacks=…` line, if any. */
export function validate(check: CheckSpec): string | undefined {
	return firstProblem(
		check.args.length > 1 ? `\`tarball\` takes one path, got ${check.args.length}` : undefined,
		checkPath(check.args[0], 'the tarball path'),
		checkOptions(check, {values: ['has', 'lacks']}),
	);
}

/** Lists the tarball's top-level entries. */
export async function probe(check: CheckSpec, probes: Probes): Promise<TarballData> {
	const path = check.args[0]!;
	try {
		return {path, listing: await probes.tarball(path)};
	} catch (error) {
		return {path, listing: null, error: (error as Error).message};
	}
}

/** Passes when the tarball exists, has every `has` entry and none of the `lacks` ones. */
export function judge(check: CheckSpec, {path, listing, error}: TarballData): CheckResult {
	const has = list(check, 'has');
	const lacks = list(check, 'lacks');
	const expected = describe(has, lacks);
	if (error !== undefined) {
		return fail(check, `${error}: build it again with the ${stepIdOf(namedSteps.export)} step`, {expected, actual: 'unreadable'});
	}

	if (listing === null) {
		return fail(check, `there is no tarball at ${path}: create it with the ${stepIdOf(namedSteps.export)} step`, {expected, actual: 'missing'});
	}

	const entries = new Set(listing.entries);
	const actual = `${formatSize(listing.size)}, top level: ${listing.entries.join(' ') || '(empty)'}`;
	const missing = has.filter(entry => !entries.has(entry));
	if (missing.length > 0) {
		return fail(check, `${path} lacks ${slashed(missing)}: the export must include ${slashed(has)}`, {expected, actual});
	}

	const extra = lacks.filter(entry => entries.has(entry));
	if (extra.length > 0) {
		return fail(check, `${path} includes ${slashed(extra)}: leave ${slashed(lacks)} out of the export — the kernel fills them at run time (proc, sys) or the container makes them (tmp)`, {expected, actual});
	}

	return pass(check, `${path} holds the filesystem (${formatSize(listing.size)})`, {expected, actual});
}

function describe(has: string[], lacks: string[]): string {
	return [has.length > 0 ? `has ${slashed(has)}` : 'a tar file', lacks.length > 0 ? `not ${slashed(lacks)}` : ''].filter(Boolean).join(', ');
}

function slashed(entries: string[]): string {
	return entries.map(entry => `${entry}/`).join(' ');
}
