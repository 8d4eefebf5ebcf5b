import {join} from 'node:path';
import {hostAptSource} from '../host/apt-sources.ts';
import type {Route, Variables} from '../lesson/types.ts';
import type {Paths} from './paths.ts';

/** The tarball's file name, as in the write-up. */
export const tarballName = 'ubuntu_root.tar';

/** Variables that need no probe of the host's live state: computed once per workshop. */
export const staticVariables = (rootfs: string, route: Route, paths: Paths): Omit<Variables, 'pid' | 'resolver'> => {
	const apt = hostAptSource();
	return {
		rootfs,
		workdir: paths.cache,
		tarball: join(paths.cache, tarballName),
		source: join(paths.cache, `source-${route}`),
		mirror: apt?.mirror,
		suite: apt?.suite,
	};
};
