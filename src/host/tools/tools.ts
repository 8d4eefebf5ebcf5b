import {accessSync, constants} from 'node:fs';
import {join} from 'node:path';

const searchPath = () => [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'].filter(Boolean);

/** The full path of an executable on PATH (or the sbin folders root uses), without starting a process. */
export const which = (name: string): string | undefined => {
	for (const dir of searchPath()) {
		const candidate = join(dir, name);
		try {
			accessSync(candidate, constants.X_OK);
			return candidate;
		} catch {}
	}

	return undefined;
};
