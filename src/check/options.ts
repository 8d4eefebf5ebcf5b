import type {CheckSpec} from '../lesson/types.ts';

/** A bare word such as `absent` is stored as 'true'. */
export function flag(check: CheckSpec, name: string): boolean {
	return check.options[name] === 'true';
}

/** A comma-separated option as a list (`has=bin,etc` → ['bin', 'etc']); empty when not given. */
export function list(check: CheckSpec, name: string): string[] {
	return (check.options[name] ?? '').split(',').map(item => item.trim()).filter(item => item !== '');
}

/** The first problem with a check's options, given which are allowed and which are bare words. */
export function checkOptions(check: CheckSpec, {values = [], flags = []}: {values?: string[]; flags?: string[]}): string | undefined {
	for (const [key, value] of Object.entries(check.options)) {
		if (flags.includes(key)) {
			if (value !== 'true') {
				return `\`${key}\` takes no value (write it as a bare word)`;
			}
		} else if (values.includes(key)) {
			if (value === 'true' && !check.source.includes(`${key}=`)) {
				return `\`${key}\` needs a value: ${key}=…`;
			}

			if (value === '') {
				return `\`${key}=\` is empty`;
			}
		} else {
			const known = [...values.map(name => `${name}=`), ...flags].join(', ');
			return `unknown option \`${key}\` for \`${check.kind}\` (known: ${known || 'none'})`;
		}
	}

	return undefined;
}

/** The problem with a regular expression option, if it does not compile. */
export function checkRegex(check: CheckSpec, name: string): string | undefined {
	const pattern = check.options[name];
	if (pattern === undefined) {
		return undefined;
	}

	try {
		// Variables are filled later; stand in a plain word so `{{resolver}}` does not read as a quantifier.
		// eslint-disable-next-line no-new -- compiling it is the validation
		new RegExp(pattern.replaceAll(/{{\s*\w+\s*}}/g, 'x'));
		return undefined;
	} catch (error) {
		return `\`${name}=${pattern}\` is not a valid regular expression: ${(error as Error).message}`;
	}
}

/** The problem with a path argument: it must be absolute (or start with a variable such as `{{rootfs}}`). */
export function checkPath(path: string | undefined, what = 'a path'): string | undefined {
	if (path === undefined || path === '') {
		return `missing ${what}`;
	}

	return path.startsWith('/') || path.startsWith('{{') ? undefined : `\`${path}\` must be an absolute path (or start with {{rootfs}})`;
}

/** Options that contradict each other, or undefined. */
export function checkExclusive(check: CheckSpec, names: string[]): string | undefined {
	const given = names.filter(name => check.options[name] !== undefined);
	return given.length > 1 ? `\`${given.join('` and `')}\` cannot be combined` : undefined;
}

/** The first problem among several validations. */
export function firstProblem(...problems: Array<string | undefined>): string | undefined {
	return problems.find(problem => problem !== undefined);
}

