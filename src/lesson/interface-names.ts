import {UsageError} from '../errors.ts';

/** The kernel's limit on interface names (IFNAMSIZ is 16 bytes with the final NUL). */
const maxInterfaceName = 15;

/** Accepts an interface name the kernel would accept, or says exactly why not. */
export const validateInterfaceName = (name: string): string => {
	if (Buffer.byteLength(name) > maxInterfaceName) {
		throw new UsageError(`the interface name "${name}" is ${Buffer.byteLength(name)} characters long; Linux allows at most ${maxInterfaceName}`);
	}

	if (!name || name === '.' || name === '..' || /[\s/:]/.test(name)) {
		throw new UsageError(`"${name}" is not a valid interface name: no spaces, "/" or ":", and not "." or ".."`);
	}

	return name;
};

const namePatterns = [
	/\bip\s+link\s+add\s+(?:name\s+)?(\S+)/g,
	/\bpeer\s+name\s+(\S+)/g,
	/\bip\s+link\s+set\s+(?:dev\s+)?(\S+)\s+(?:netns|up|down|name)\b/g,
];

/**
 * The interface names an `ip link` command line uses, each checked against the kernel's
 * 15-character limit before anything runs (the kernel's own error, "Numerical result out of
 * range", teaches nothing). Throws a UsageError naming the first bad one.
 */
export const interfaceNamesIn = (script: string): string[] => {
	const names = namePatterns.flatMap(pattern => [...script.matchAll(pattern)].map(match => match[1]!));
	for (const name of names) {
		if (!name.includes('{{')) {
			validateInterfaceName(name);
		}
	}

	return names;
};
