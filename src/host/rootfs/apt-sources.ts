import {readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';

/** The host's distribution as debootstrap needs it: the release codename and its main mirror. */
export type AptSource = {suite: string; mirror: string};

/** Parses `/etc/os-release` text into its fields. */
const parseOsRelease = (text: string): Record<string, string> =>
	Object.fromEntries(text.split('\n')
		.map(line => /^([A-Z_]+)=(.*)$/.exec(line.trim()))
		.filter((match): match is RegExpExecArray => match !== null)
		.map(match => [match[1]!, match[2]!.replace(/^"(.*)"$/, '$1')]));

/**
 * The first mirror serving `suite` in apt's own configuration, one-line (`deb URI suite …`)
 * or deb822 (`URIs:` / `Suites:`) style. rootcamp never names a mirror itself: it uses the host's.
 */
const parseAptMirror = (files: string[], suite: string): string | undefined => {
	for (const text of files) {
		for (const line of text.split('\n')) {
			const oneLine = /^\s*deb\s+(?:\[[^\]]*]\s+)?(\S+)\s+(\S+)/.exec(line);
			if (oneLine?.[2] === suite) {
				return oneLine[1];
			}
		}

		for (const stanza of text.split(/\n\s*\n/)) {
			const field = (name: string) => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
			if (field('Types').includes('deb') && field('Suites').includes(suite)) {
				return field('URIs')[0];
			}
		}
	}

	return undefined;
};

/** The host's suite and mirror, read from /etc/os-release and /etc/apt; undefined where it has no apt. */
export const hostAptSource = (etc = '/etc'): AptSource | undefined => {
	const read = (path: string) => {
		try {
			return readFileSync(path, 'utf8');
		} catch {
			return '';
		}
	};

	const suite = parseOsRelease(read(join(etc, 'os-release'))).VERSION_CODENAME;
	if (!suite) {
		return undefined;
	}

	let listDir: string[] = [];
	try {
		listDir = readdirSync(join(etc, 'apt/sources.list.d')).filter(name => /\.(list|sources)$/.test(name)).sort();
	} catch {}

	const files = [read(join(etc, 'apt/sources.list')), ...listDir.map(name => read(join(etc, 'apt/sources.list.d', name)))];
	const mirror = parseAptMirror(files, suite);
	return mirror ? {suite, mirror} : undefined;
};
