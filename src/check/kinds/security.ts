import type {CheckSpec} from '../../lesson/types.ts';
import type {Probes} from '../../host/probes.ts';
import {runcMaskedPaths, type ProcessProfile} from '../../host/proc/profile.ts';
import {capabilityName} from '../../host/proc/security.ts';
import type {RuncView} from '../../host/runtime-probes.ts';
import type {ContainerInfo} from '../../host/types.ts';
import type {CheckResult} from '../types.ts';
import {joinWords} from '../format.ts';
import {checkOptions, checkPath, firstProblem, flag, list} from '../options.ts';
import {fail, noContainerMessage, pass} from '../result.ts';
import {maskedPaths, readOnly, runtimeFacts, runtimeTable} from '../runtime-table.ts';

/**
 * `security table runc=NAME`: the learner's container beside runc's, fact by fact.
 * `security container [bounding=CAPS] [no-new-privs] [masked] [read-only=PATH]`: what the
 * learner's container's shell may do and see, against runc's defaults.
 */
export type SecurityData =
	| {form: 'table'; name: string; container: ContainerInfo | null; runc: RuncView | null; yours: ProcessProfile | null; theirs: ProcessProfile | null}
	| {form: 'container'; container: ContainerInfo | null; profile: ProcessProfile | null; present: string[]};

/** The problem with a `security table …` or `security container …` line, if any. */
export function validate(check: CheckSpec): string | undefined {
	const [form, extra] = check.args;
	if (form === 'table') {
		return firstProblem(
			extra === undefined ? undefined : `\`security table\` takes no more arguments, got \`${extra}\``,
			checkOptions(check, {values: ['runc']}),
			check.options.runc === undefined ? '`security table` needs `runc=NAME`: the runc container to compare with' : undefined,
		);
	}

	if (form !== 'container') {
		return `\`security\` takes \`table runc=NAME\` or \`container …\`, got \`${check.args.join(' ')}\``;
	}

	const readOnlyPath = check.options['read-only'];
	return firstProblem(
		extra === undefined ? undefined : `\`security container\` takes no more arguments, got \`${extra}\``,
		checkOptions(check, {values: ['bounding', 'read-only'], flags: ['no-new-privs', 'masked']}),
		Object.keys(check.options).length === 0 ? '`security container` needs something to check: bounding=CAPS, no-new-privs, masked or read-only=PATH' : undefined,
		readOnlyPath === undefined ? undefined : checkPath(readOnlyPath, 'the read-only path'),
		list(check, 'bounding').some(cap => !/^(?:cap_)?[a-z_]+$/i.test(cap)) ? `\`bounding=${check.options.bounding}\` is not a list of capability names (CAP_KILL,CAP_NET_BIND_SERVICE)` : undefined,
	);
}

/** Reads the learner's container (and for the table runc's), each as a profile of its init. */
export async function probe(check: CheckSpec, probes: Probes): Promise<SecurityData> {
	const container = await probes.container();
	const yours = container === null ? null : await probes.profile(container.pid);
	if (check.args[0] === 'table') {
		const name = check.options.runc ?? '';
		const runc = await probes.runc(name);
		const theirs = runc?.running ? await probes.profile(runc.pid) : null;
		return {form: 'table', name, container, runc, yours, theirs};
	}

	// Which of runc's masked paths this kernel has, as the container sees them (through its root).
	const present = container !== null && flag(check, 'masked')
		? (await Promise.all(runcMaskedPaths.map(async path => ((await probes.fileFact(`${probes.proc}/${container.pid}/root${path}`)) === null ? undefined : path)))).filter(path => path !== undefined)
		: [];
	return {form: 'container', container, profile: yours, present};
}

export function judge(check: CheckSpec, data: SecurityData): CheckResult {
	return data.form === 'table' ? judgeTable(check, data) : judgeContainer(check, data);
}

function judgeTable(check: CheckSpec, {name, container, runc, yours, theirs}: Extract<SecurityData, {form: 'table'}>): CheckResult {
	const expected = `your container and runc's ${name}, both readable: ${runtimeFacts.length} facts side by side`;
	if (container === null || yours === null) {
		return fail(check, noContainerMessage, {expected, actual: 'no container of yours'});
	}

	if (runc === null || !runc.running || theirs === null) {
		return fail(check, `runc's container ${name} is not running, so there is nothing to compare with: do the run step first`, {expected, actual: runc ? `${name} is stopped` : `runc has no ${name}`});
	}

	const rows = runtimeTable(yours, theirs);
	const complete = rows.length === runtimeFacts.length && rows.every(row => row.you !== '' && row.runc !== '');
	const differ = rows.filter(row => row.you !== row.runc).map(row => row.fact);
	const actual = `${rows.length} facts read; they differ in ${differ.length === 0 ? 'none' : joinWords(differ)}`;
	const table = {head: ['fact', `you (pid ${yours.pid})`, `runc ${name} (pid ${theirs.pid})`], rows: rows.map(row => [row.fact, row.you, row.runc])};
	if (!complete) {
		return {...fail(check, 'some facts could not be read from one of the containers', {expected, actual}), table};
	}

	return {...pass(check, `your container (pid ${yours.pid}) and runc's ${name} (pid ${theirs.pid}) differ in ${differ.length} of ${rows.length} facts`, {expected, actual}), table};
}

function judgeContainer(check: CheckSpec, {container, profile, present}: Extract<SecurityData, {form: 'container'}>): CheckResult {
	const wanted = describeWanted(check);
	if (container === null || profile === null) {
		return fail(check, noContainerMessage, {expected: wanted, actual: 'none'});
	}

	const {security, mounts} = profile;
	const shell = `your container's shell (pid ${container.pid})`;
	const bounding = list(check, 'bounding').map(cap => capabilityName(cap)).sort();
	if (bounding.length > 0) {
		const has = [...security.bounding].sort();
		const extra = has.filter(cap => !bounding.includes(cap));
		const missing = bounding.filter(cap => !has.includes(cap));
		const actual = `CapBnd ${has.length} (${extra.length > 0 ? `${extra.length} beyond the list` : 'none beyond the list'}), CapEff ${security.effective.length}`;
		if (extra.length > 0 || missing.length > 0) {
			const what = extra.length > 0 ? `still has ${extra.length} capabilities beyond them in its bounding set (${extra.slice(0, 4).join(', ')}${extra.length > 4 ? ', …' : ''})` : `lacks ${missing.join(', ')}`;
			return fail(check, `${shell} ${what}: exec it through capsh --drop=… (or setpriv --bounding-set) so only ${bounding.join(', ')} are left`, {expected: wanted, actual});
		}

		const effectiveExtra = security.effective.filter(cap => !bounding.includes(cap));
		if (effectiveExtra.length > 0) {
			return fail(check, `${shell}'s bounding set is right, but it still holds ${effectiveExtra.length} effective capabilities beyond it: the set shrinks at the next exec, so exec a new shell`, {expected: wanted, actual});
		}
	}

	if (flag(check, 'no-new-privs') && security.noNewPrivs !== true) {
		return fail(check, `${shell} has NoNewPrivs ${security.noNewPrivs === undefined ? 'unknown' : '0'}: a setuid program could still gain privileges. capsh --no-new-privs (or setpriv --no-new-privs) sets it`, {expected: wanted, actual: `NoNewPrivs ${security.noNewPrivs ? 1 : 0}`});
	}

	if (flag(check, 'masked')) {
		if (!mounts.some(mount => mount.target === '/proc' && mount.fstype === 'proc')) {
			return fail(check, `${shell} has no /proc of its own mounted, so there is nothing to mask: mount -t proc proc /proc in it first`, {expected: wanted, actual: 'no /proc'});
		}

		const masked = maskedPaths(mounts);
		const open = present.filter(path => !masked.includes(path));
		if (open.length > 0) {
			return fail(check, `${joinWords(open)} ${open.length === 1 ? 'is' : 'are'} not masked in your container: bind /dev/null on each file, a read-only tmpfs on each directory`, {expected: wanted, actual: `masked: ${masked.join(', ') || 'none'}; open: ${open.join(', ')}`});
		}
	}

	const readOnlyPath = check.options['read-only'];
	if (readOnlyPath !== undefined) {
		const top = mounts.findLast(mount => mount.target === readOnlyPath);
		if (top === undefined || !readOnly(top)) {
			return fail(check, `${readOnlyPath} is ${top === undefined ? 'no mount of its own' : `mounted read-write (${top.options})`} in your container: bind it on itself, then mount -o remount,bind,ro ${readOnlyPath}`, {expected: wanted, actual: top === undefined ? 'part of the mount above it' : top.options});
		}
	}

	return pass(check, `${shell}: ${wanted}`, {expected: wanted, actual: wanted});
}

/** What a `security container` line wants, in words. */
function describeWanted(check: CheckSpec): string {
	const parts: string[] = [];
	const bounding = list(check, 'bounding');
	if (bounding.length > 0) {
		parts.push(`bounding set ${bounding.map(cap => capabilityName(cap)).join(', ')} only`);
	}

	if (flag(check, 'no-new-privs')) {
		parts.push('NoNewPrivs 1');
	}

	if (flag(check, 'masked')) {
		parts.push('runc\'s masked /proc paths masked');
	}

	if (check.options['read-only'] !== undefined) {
		parts.push(`${check.options['read-only']} read-only`);
	}

	return parts.join(', ');
}
