import {join} from 'node:path';
import {UsageError} from '../errors.ts';
import type {Paths} from '../workshop/paths.ts';

/** Where one sandbox keeps everything it owns on the host's disk. */
export type SandboxLayout = {
	name: string;
	/** sandboxes/NAME: deleted whole by `sandbox rm`, once nothing is mounted under it. */
	dir: string;
	/** The sandbox's `/`: a mount point for each of the host's top-level trees, and the learner's own `/ubunturoot`. */
	root: string;
	/** Bound over rootcamp's state folder inside: the sandbox's progress and journal. */
	state: string;
	/** Bound over rootcamp's cache folder inside: the sandbox's tarball and source tree. */
	cache: string;
	/** sandbox.json: the holder's pid, its namespaces and control groups. */
	file: string;
	/** What the holder's setup wrote to stderr, for the error when it fails. */
	log: string;
};

/** The folder of every sandbox: under the host's rootcamp state, which each sandbox hides from itself. */
export const sandboxesDir = (paths: Paths): string => join(paths.state, 'sandboxes');

/** A name is a file name, a control group's name and part of a hostname: letters, digits and dashes. */
export const checkSandboxName = (name: string | undefined): string => {
	if (!name || !/^[a-z\d][a-z\d-]{0,39}$/i.test(name)) {
		throw new UsageError(`a sandbox name is 1 to 40 letters, digits and dashes, starting with a letter or digit (got "${name ?? ''}")`);
	}

	return name;
};

export const sandboxLayout = (paths: Paths, name: string): SandboxLayout => {
	const dir = join(sandboxesDir(paths), checkSandboxName(name));
	return {
		name,
		dir,
		root: join(dir, 'root'),
		state: join(dir, 'state'),
		cache: join(dir, 'cache'),
		file: join(dir, 'sandbox.json'),
		log: join(dir, 'holder.log'),
	};
};
