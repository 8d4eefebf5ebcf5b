import type {CheckSpec} from '../../lesson/types.ts';
import type {Probes} from '../../host/probes.ts';
import type {CheckResult} from '../types.ts';
import {joinWords} from '../format.ts';
import {checkOptions, firstProblem} from '../options.ts';
import {fail, pass} from '../result.ts';

/** The word that asks for downloaded apt indexes instead of a package. */
const aptLists = 'apt-lists';

/** What the package check needs: the installed packages, or the number of apt index files. */
export type PackageData = {rootfs: string; installed?: string[] | null; aptLists?: number};

/** The problem with a `package NAME…` or `package apt-lists` line, if any. */
export function validate(check: CheckSpec): string | undefined {
	const bad = check.args.filter(name => name !== aptLists && !/^(?:[a-z\d][a-z\d+.-]+|{{\s*\w+\s*}})$/.test(name));
	return firstProblem(
		check.args.length === 0 ? '`package` needs package names or `apt-lists`' : undefined,
		check.args.includes(aptLists) && check.args.length > 1 ? '`package apt-lists` stands alone: check packages on another line' : undefined,
		bad.length > 0 ? `not a Debian package name: ${bad.map(name => `\`${name}\``).join(', ')}` : undefined,
		checkOptions(check, {}),
	);
}

/** Reads the rootfs's dpkg database, or counts its apt index files. */
export async function probe(check: CheckSpec, probes: Probes): Promise<PackageData> {
	if (check.args[0] === aptLists) {
		return {rootfs: probes.rootfs, aptLists: await probes.aptLists()};
	}

	return {rootfs: probes.rootfs, installed: await probes.packages()};
}

/** Passes when every package is installed in the rootfs, or when apt indexes were downloaded. */
export function judge(check: CheckSpec, {rootfs, installed, aptLists: lists}: PackageData): CheckResult {
	if (check.args[0] === aptLists) {
		const details = {expected: 'downloaded apt index files', actual: `${lists ?? 0} index files`};
		return (lists ?? 0) > 0
			? pass(check, `apt has ${lists} index files in ${rootfs}/var/lib/apt/lists`, details)
			: fail(check, `${rootfs}/var/lib/apt/lists holds no package indexes: inside the container run apt-get update (it needs a working /etc/resolv.conf)`, details);
	}

	const wanted = check.args;
	const expected = `installed: ${wanted.join(', ')}`;
	if (installed === null || installed === undefined) {
		return fail(check, `${rootfs} has no dpkg database (var/lib/dpkg/status): unpack a Debian or Ubuntu filesystem first`, {expected, actual: 'no dpkg database'});
	}

	const have = new Set(installed);
	const missing = wanted.filter(name => !have.has(name));
	const actual = `${installed.length} packages installed${missing.length > 0 ? `; missing ${missing.join(', ')}` : ''}`;
	if (missing.length > 0) {
		return fail(check, `${joinWords(missing)} ${missing.length === 1 ? 'is' : 'are'} not installed in ${rootfs}: inside the container run apt-get install -y ${missing.join(' ')}`, {expected, actual});
	}

	return pass(check, `${joinWords(wanted)} ${wanted.length === 1 ? 'is' : 'are'} installed in ${rootfs}`, {expected, actual});
}
