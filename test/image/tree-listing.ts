import {createHash} from 'node:crypto';
import {lstatSync, readdirSync, readFileSync, readlinkSync} from 'node:fs';
import {join} from 'node:path';
import {execFileSync} from 'node:child_process';

/** One entry of a tree as the comparison with `umoci unpack` sees it. */
export type Listed = {path: string; type: string; mode: string; uid: number; gid: number; link?: string; sha256?: string; rdev?: number; xattrs?: string[]};

const typeOf = (mode: number) => ({
	0o10_0000: 'file', 0o04_0000: 'dir', 0o12_0000: 'symlink', 0o02_0000: 'char', 0o06_0000: 'block', 0o01_0000: 'fifo', 0o14_0000: 'socket',
})[mode & 0o17_0000] ?? 'unknown';

/** Every extended attribute under `top`, by path relative to it: `name=0sBASE64`, sorted (getfattr, from attr). */
const xattrsUnder = (top: string): Map<string, string[]> => {
	const found = new Map<string, string[]>();
	const dump = execFileSync('getfattr', ['-R', '-h', '-d', '-m', '-', '-e', 'base64', '--absolute-names', top], {encoding: 'utf8'});
	for (const block of dump.split('\n\n')) {
		const [file, ...attributes] = block.trim().split('\n');
		if (file?.startsWith('# file: ')) {
			found.set(file.slice('# file: '.length).slice(top.length + 1), attributes.sort());
		}
	}

	return found;
};

/** Every entry under `top` (not `top` itself), sorted by path: type, mode, owner, link target, content hash, device number, extended attributes. */
export const listTree = (top: string): Listed[] => {
	const listed: Listed[] = [];
	const xattrs = xattrsUnder(top);
	const walk = (relative: string) => {
		for (const name of readdirSync(join(top, relative)).sort()) {
			const path = relative ? `${relative}/${name}` : name;
			const full = join(top, path);
			const stat = lstatSync(full);
			const type = typeOf(stat.mode);
			const entry: Listed = {path, type, mode: (stat.mode & 0o7777).toString(8), uid: stat.uid, gid: stat.gid};
			switch (type) {
				case 'symlink': {
					entry.link = readlinkSync(full);

					break;
				}

				case 'file': {
					entry.sha256 = createHash('sha256').update(readFileSync(full)).digest('hex');

					break;
				}

				case 'char':
				case 'block': {
					entry.rdev = stat.rdev;

					break;
				}
			// No default
			}

			if (xattrs.has(path)) {
				entry.xattrs = xattrs.get(path);
			}

			listed.push(entry);
			if (type === 'dir') {
				walk(path);
			}
		}
	};

	walk('');
	return listed;
};

/** Inode numbers shared by more than one path: which paths are hard links of each other. */
export const hardLinkGroups = (top: string, listed: Listed[]): string[][] => {
	const byInode = new Map<number, string[]>();
	for (const entry of listed.filter(item => item.type === 'file')) {
		const {ino} = lstatSync(join(top, entry.path));
		byInode.set(ino, [...byInode.get(ino) ?? [], entry.path]);
	}

	return [...byInode.values()].filter(group => group.length > 1).map(group => group.sort()).sort((a, b) => a.join(' ').localeCompare(b.join(' ')));
};
