import type {CheckSpec} from '../../lesson/types.ts';
import type {Probes} from '../../host/probes.ts';
import {insideId, type IdMapLine, type RootlessInfo} from '../../host/proc/rootless.ts';
import type {CheckResult} from '../types.ts';
import {checkOptions, firstProblem} from '../options.ts';
import {fail, pass} from '../result.ts';

/** A user as a check line names it, and the ID the host's /etc/passwd gives that name. */
type Named = {name: string; id: number | undefined};

/** What the userns check needs: the rootless shell, and the users the line names. */
export type UsernsData = {rootless: RootlessInfo | null; outside?: Named; inside?: Named};

const userPattern = /^(?:[a-z_][\w-]*\$?|\d+|{{\s*[\w-]+\s*}})$/i;

/** Looks at the rootless shell, which the workshop then watches. */
export const watches = () => ({shells: ['rootless' as const]});

/** The problem with a `userns outside=USER [inside=USER]` line, if any. */
export function validate(check: CheckSpec): string | undefined {
	const {outside, inside} = check.options;
	return firstProblem(
		check.args.length > 0 ? `\`userns\` takes no arguments, got \`${check.args.join(' ')}\`` : undefined,
		checkOptions(check, {values: ['outside', 'inside']}),
		outside === undefined ? '`userns` needs `outside=USER`: who the shell is on the host (such as nobody)' : undefined,
		outside !== undefined && !userPattern.test(outside) ? `\`outside=${outside}\` is not a user name or ID` : undefined,
		inside !== undefined && !userPattern.test(inside) ? `\`inside=${inside}\` is not a user name or ID` : undefined,
	);
}

/** Finds the rootless shell and resolves the users the line names. */
export async function probe(check: CheckSpec, probes: Probes): Promise<UsernsData> {
	const resolve = async (name: string | undefined): Promise<Named | undefined> => (name === undefined ? undefined : {name, id: await probes.userId(name)});
	const [rootless, outside, inside] = await Promise.all([probes.rootless(), resolve(check.options.outside), resolve(check.options.inside)]);
	return {rootless, ...(outside ? {outside} : {}), ...(inside ? {inside} : {})};
}

/** Passes when a shell in a user namespace of its own is `outside` on the host and, with `inside`, that user within. */
export function judge(check: CheckSpec, {rootless, outside, inside}: UsernsData): CheckResult {
	const expected = `a shell in a user namespace of its own, ${outside?.name ?? '?'} on the host${inside ? `, ${inside.name} inside` : ''}`;
	const start = 'in a second terminal, as root: setpriv --reuid=nobody --regid=nogroup --clear-groups unshare --user /bin/sh';
	if (rootless === null) {
		return fail(check, `no shell runs in a user namespace of its own: ${start}`, {expected, actual: 'none'});
	}

	const actual = `pid ${rootless.pid}: uid ${rootless.uid} on the host, uid_map ${formatMap(rootless.uidMap)}`;
	const details = {expected, actual};
	for (const user of [outside, inside]) {
		if (user !== undefined && user.id === undefined) {
			return fail(check, `the host has no user ${user.name} (not in /etc/passwd)`, details);
		}
	}

	if (outside !== undefined && rootless.uid !== outside.id) {
		const why = rootless.uid === 0
			? 'it is root on the host, so a way out of its namespace would still be root'
			: `it runs as uid ${rootless.uid} on the host`;
		return fail(check, `the shell in its own user namespace (pid ${rootless.pid}) is not ${outside.name} (${outside.id}) outside: ${why}. Exit it and start it again: ${start}`, details);
	}

	if (inside !== undefined) {
		if (rootless.uidMap.length === 0) {
			// Unmapped IDs read as the overflow ID (65534) inside, and an unmapped shell has no capabilities at all.
			return fail(check, `pid ${rootless.pid}'s user namespace has no uid map yet: inside, every ID reads as the overflow ID 65534 and nothing is privileged. Write the map from the host: echo '${inside.id} ${rootless.uid} 1' > /proc/${rootless.pid}/uid_map`, details);
		}

		const within = insideId(rootless.uidMap, rootless.uid);
		if (within !== inside.id) {
			return fail(check, `pid ${rootless.pid}'s uid map (${formatMap(rootless.uidMap)}) makes uid ${rootless.uid} ${within === undefined ? 'unmapped' : `uid ${within}`} inside, not ${inside.name} (${inside.id}); a map can be written once: start a new shell and write ${inside.id} ${rootless.uid} 1`, details);
		}
	}

	const within = inside === undefined ? '' : `${inside.name} (${inside.id}) inside its user namespace, `;
	return pass(check, `pid ${rootless.pid} is ${within}${outside?.name ?? `uid ${rootless.uid}`} (${rootless.uid}) on the host`, details);
}

/** A map on one line: `0 65534 1`, lines joined with `;`, `none` when empty. */
export function formatMap(map: IdMapLine[]): string {
	return map.length === 0 ? 'none' : map.map(line => `${line.inside} ${line.outside} ${line.count}`).join('; ');
}
