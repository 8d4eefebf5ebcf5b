import {existsSync, readdirSync} from 'node:fs';
import {readOrEmpty} from '../rootfs/files.ts';
import type {Mount} from '../types.ts';

/** An overlay mount's directories, as its mount options name them. */
export type OverlayLayers = {
	/** The read-only layers, top first, as `lowerdir` lists them. */
	lower: string[];
	upper?: string;
	work?: string;
};

/**
 * The directories of an overlay mount, read from its filesystem options (mountinfo's last field):
 * `lowerdir=/l/2:/l/1,upperdir=/l/upper,workdir=/l/work`. A kernel that was given `lowerdir+=`
 * once per layer (the new mount API) lists them the same way. Undefined for any other filesystem.
 */
export function overlayLayers(mount: Mount): OverlayLayers | undefined {
	if (mount.fstype !== 'overlay' || mount.superOptions === undefined) {
		return undefined;
	}

	const layers: OverlayLayers = {lower: []};
	for (const option of splitOptions(mount.superOptions)) {
		const [key, value = ''] = splitOnce(option, '=');
		switch (key) {
			case 'lowerdir':
			case 'lowerdir+': {
				layers.lower.push(...splitUnescaped(value, ':'));
				break;
			}

			case 'upperdir': {
				layers.upper = unescape(value);
				break;
			}

			case 'workdir': {
				layers.work = unescape(value);
				break;
			}

			default: {
				// Other options (xino, redirect_dir, uuid…) say how, not what.
				break;
			}
		}
	}

	return layers;
}

/** The mount that is seen at `target`: the last one mounted there (mountinfo lists mounts in order). */
export function topmountAt(mounts: Mount[], target: string): Mount | undefined {
	return mounts.findLast(mount => mount.target === target);
}

const splitOnce = (text: string, separator: string): [string, string?] => {
	const index = text.indexOf(separator);
	return index === -1 ? [text] : [text.slice(0, index), text.slice(index + 1)];
};

/** Options are separated by commas; overlayfs escapes a comma or colon inside a path with a backslash. */
const splitOptions = (text: string): string[] => splitUnescaped(text, ',', {keepEscapes: true});

function splitUnescaped(text: string, separator: string, {keepEscapes = false} = {}): string[] {
	const parts: string[] = [];
	let current = '';
	for (let index = 0; index < text.length; index++) {
		const char = text[index]!;
		if (char === '\\' && index + 1 < text.length) {
			current += keepEscapes ? char + text[index + 1]! : text[index + 1]!;
			index++;
		} else if (char === separator) {
			parts.push(current);
			current = '';
		} else {
			current += char;
		}
	}

	parts.push(current);
	return parts.filter(Boolean);
}

const unescape = (text: string) => text.replaceAll(/\\(.)/g, '$1');

/**
 * Whether this kernel can mount an overlay: `loaded` when /proc/filesystems lists it, `module`
 * when the module is on disk for the running kernel (mount loads it), else `missing`.
 */
export function overlaySupport({proc = '/proc', modules = '/lib/modules'}: {proc?: string; modules?: string} = {}): 'loaded' | 'module' | 'missing' {
	if (/\boverlay$/m.test(readOrEmpty(`${proc}/filesystems`))) {
		return 'loaded';
	}

	const release = readOrEmpty(`${proc}/sys/kernel/osrelease`).trim();
	const dir = `${modules}/${release}/kernel/fs/overlayfs`;
	return release !== '' && existsSync(dir) && readdirSync(dir).some(name => name.startsWith('overlay.ko')) ? 'module' : 'missing';
}
