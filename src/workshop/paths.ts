import {homedir} from 'node:os';
import {join} from 'node:path';

/** Where rootcamp keeps its files: XDG directories, so a test or a second course can point elsewhere. */
export type Paths = {
	/** progress.json and journal.json. */
	state: string;
	/** The source filesystem and the tarball: big, rebuildable. */
	cache: string;
	/** Container logs while a shell starts. */
	run: string;
};

/** The XDG state and cache folders for rootcamp, from the environment. */
export const defaultPaths = (env: NodeJS.ProcessEnv = process.env): Paths => {
	const home = env.HOME || homedir();
	const state = join(env.XDG_STATE_HOME || join(home, '.local/state'), 'rootcamp');
	return {
		state,
		cache: join(env.XDG_CACHE_HOME || join(home, '.cache'), 'rootcamp'),
		run: join(state, 'run'),
	};
};
