import {namespaceKinds, type NamespaceKind} from '../../host/types.ts';
import type {CheckSpec} from '../../lesson/types.ts';
import {checkOptions, firstProblem, list} from '../options.ts';

/** What the checks that look at one shell (`container`, `jail`) share: the `own=` line and its reading. */
/**
 * The problem with a line that looks at one shell (`container`, `jail`): it takes no argument,
 * and `own=` lists namespace kinds the shell must have of its own.
 */
export function checkShellLine(check: CheckSpec): string | undefined {
	const unknown = list(check, 'own').filter(kind => !(namespaceKinds as readonly string[]).includes(kind));
	return firstProblem(
		check.args.length > 0 ? `\`${check.kind}\` takes no arguments, got \`${check.args.join(' ')}\`` : undefined,
		checkOptions(check, {values: ['own']}),
		unknown.length > 0 ? `unknown namespace kind ${unknown.map(kind => `\`${kind}\``).join(', ')} in own= (known: ${namespaceKinds.join(', ')})` : undefined,
	);
}

/** The namespaces `own=` asks for, the ones the shell lacks, and the shell as a check's `actual`. */
export function ownership(check: CheckSpec, shell: {pid: number; command: string; own: readonly NamespaceKind[]}) {
	const wanted = list(check, 'own') as NamespaceKind[];
	return {
		wanted,
		missing: wanted.filter(kind => !shell.own.includes(kind)),
		actual: `pid ${shell.pid} (${shell.command}) owns ${shell.own.join(', ') || 'no namespaces'}`,
	};
}
