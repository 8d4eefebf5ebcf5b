import {variableNames, type VariableName, type Variables} from './types.ts';

const pattern = /{{\s*([a-zA-Z_][\w-]*)\s*}}/g;

/** True for a name lessons may use as `{{name}}`. */
export const isVariableName = (name: string): name is VariableName =>
	(variableNames as readonly string[]).includes(name);

/** Every `{{name}}` in a text, with its column, in order. */
export const findVariables = (text: string): Array<{name: string; column: number}> =>
	[...text.matchAll(pattern)].map(match => ({name: match[1]!, column: (match.index ?? 0) + 1}));

/**
 * A variable a text needs but the workshop cannot fill yet (no container, so no `{{pid}}`). Why it
 * has no value is the host's story, told by the workshop (`whyMissing` in workshop/variables.ts).
 */
export class MissingVariableError extends Error {
	constructor(readonly variable: VariableName) {
		super(`the variable {{${variable}}} has no value on this host`);
		this.name = 'MissingVariableError';
	}
}

/** Fills every `{{name}}`; an unknown name is left as written (lint reports it), a known but unset one throws. */
export const fillVariables = (text: string, variables: Partial<Variables>): string =>
	text.replaceAll(pattern, (whole, name: string) => {
		if (!isVariableName(name)) {
			return whole;
		}

		const value = variables[name];
		if (value === undefined) {
			throw new MissingVariableError(name);
		}

		return value;
	});

/** Fills what it can and leaves unset variables as `{{name}}`: for display before a container exists. */
export const fillKnownVariables = (text: string, variables: Partial<Variables>): string =>
	text.replaceAll(pattern, (whole, name: string) => (isVariableName(name) ? variables[name] ?? whole : whole));
