import type {CheckSpec, Where} from '../../lesson/types.ts';
import {commandTimeout, type CommandOutcome} from '../../host/tools/command.ts';
import type {Probes} from '../../host/probes.ts';
import type {ContainerInfo} from '../../host/types.ts';
import type {CheckResult} from '../types.ts';
import {checkOptions, checkRegex, firstProblem} from '../options.ts';
import {fail, noContainerMessage, pass, skip} from '../result.ts';

const sides = ['host', 'container'] as const;

/** What the command check needs: how the command ended, unless there was no container to run it in. */
export type CommandData = {where: Where; container: ContainerInfo | null; outcome?: CommandOutcome};

/** The problem with a `command host|container "CMD" [exit=0] [output=REGEX]` line, if any. */
export function validate(check: CheckSpec): string | undefined {
	const [where, command] = check.args;
	const {exit} = check.options;
	return firstProblem(
		where === undefined || !(sides as readonly string[]).includes(where) ? `\`command\` needs \`host\` or \`container\` first, got \`${where ?? ''}\`` : undefined,
		command === undefined || command.trim() === '' ? '`command` needs the command, in double quotes' : undefined,
		check.args.length > 2 ? '`command` takes one command: put it in double quotes' : undefined,
		checkOptions(check, {values: ['exit', 'output']}),
		exit !== undefined && (!/^\d{1,3}$/.test(exit) || Number(exit) > 255) ? `\`exit=${exit}\` must be a number from 0 to 255` : undefined,
		checkRegex(check, 'output'),
	);
}

/** Runs the command on the host or inside the container (10 s at most). */
export async function probe(check: CheckSpec, probes: Probes): Promise<CommandData> {
	const where = check.args[0] === 'container' ? 'container' : 'host';
	const container = where === 'container' ? await probes.container() : null;
	if (where === 'container' && container === null) {
		return {where, container};
	}

	return {where, container, outcome: await probes.command(where, check.args[1]!)};
}

/** Passes when the command exits with `exit` (0 by default) and its output matches `output`. */
export function judge(check: CheckSpec, {where, container, outcome}: CommandData): CheckResult {
	if (where === 'container' && container === null) {
		return skip(check, noContainerMessage);
	}

	const command = check.args[1]!;
	const exit = Number(check.options.exit ?? '0');
	const pattern = check.options.output;
	const expected = `exit ${exit}${pattern === undefined ? '' : `, output matching /${pattern}/`}`;
	if (outcome === undefined || outcome.error !== undefined) {
		return fail(check, `\`${command}\` could not run: ${outcome?.error ?? 'unknown error'}`, {expected, actual: 'not run'});
	}

	const output = `${outcome.stdout}${outcome.stderr}`;
	const shown = excerpt(output);
	if (outcome.timedOut) {
		return fail(check, `\`${command}\` did not finish within ${commandTimeout / 1000} s and was stopped`, {expected, actual: `timed out${shown}`});
	}

	const actual = `exit ${outcome.exitCode}${shown}`;
	if (outcome.exitCode !== exit) {
		return fail(check, `\`${command}\` exited with ${outcome.exitCode}, expected ${exit}${shown}`, {expected, actual});
	}

	if (pattern !== undefined && !new RegExp(pattern, 'm').test(output)) {
		return fail(check, `the output of \`${command}\` does not match /${pattern}/${shown}`, {expected, actual});
	}

	return pass(check, `\`${command}\` ${where === 'container' ? 'inside the container ' : ''}exited with ${exit}`, {expected, actual});
}

/** The first line or so of the output, for a message. */
function excerpt(output: string): string {
	const text = output.trim().split('\n').slice(0, 3).join(' ⏎ ');
	if (text === '') {
		return ' (no output)';
	}

	return `: ${text.length > 160 ? `${text.slice(0, 159)}…` : text}`;
}
