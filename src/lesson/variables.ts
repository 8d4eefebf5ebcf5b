import {wireCandidates} from '../host/net/subnet.ts';
import {variableNames, type VariableName, type Variables} from './types.ts';

const pattern = /\{\{\s*([a-zA-Z_][\w-]*)\s*\}\}/g;

/** True for a name lessons may use as `{{name}}`. */
export const isVariableName = (name: string): name is VariableName =>
	(variableNames as readonly string[]).includes(name);

/** Every `{{name}}` in a text, with its column, in order. */
export const findVariables = (text: string): Array<{name: string; column: number}> =>
	[...text.matchAll(pattern)].map(match => ({name: match[1]!, column: (match.index ?? 0) + 1}));

/** A variable a text needs but the workshop cannot fill yet (no container, so no `{{pid}}`). */
export class MissingVariableError extends Error {
	constructor(readonly variable: VariableName, readonly reason: string) {
		super(reason);
		this.name = 'MissingVariableError';
	}
}

/** Fills every `{{name}}`; an unknown name is left as written (lint reports it), a known but unset one throws. */
export const fillVariables = (text: string, variables: Partial<Variables>): string =>
	text.replace(pattern, (whole, name: string) => {
		if (!isVariableName(name)) {
			return whole;
		}

		const value = variables[name];
		if (value === undefined) {
			throw new MissingVariableError(name, missingReason(name));
		}

		return value;
	});

/** Fills what it can and leaves unset variables as `{{name}}`: for display before a container exists. */
export const fillKnownVariables = (text: string, variables: Partial<Variables>): string =>
	text.replace(pattern, (whole, name: string) => (isVariableName(name) ? variables[name] ?? whole : whole));

const wireNames: readonly string[] = ['subnet', 'prefix', 'host-address', 'container-address'];

const missingReason = (name: VariableName): string => {
	if (name === 'pid') {
		return 'no container is running, so there is no {{pid}} yet: start it first (enter/chroot, or network-advanced/netns)';
	}

	if (wireNames.includes(name)) {
		return `there is no {{${name}}}: rootcamp could not read the host's routes with ip, or every /30 it may use for the veth pair (${wireCandidates.join(', ')}) overlaps a route or address of this host`;
	}

	return `the variable {{${name}}} has no value on this host`;
};
