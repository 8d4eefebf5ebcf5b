import {gzipSync} from 'node:zlib';

/** A member for `tarOf`: a file by default. */
export type Member = {name: string; type?: 'file' | 'dir' | 'symlink' | 'hardlink'; mode?: number; linkname?: string; content?: string};

const flags = {file: '0', dir: '5', symlink: '2', hardlink: '1'};

/** A ustar archive of the members, as a layer of a crafted (bad) image: names rootcamp must refuse that tar itself would not write. */
export const tarOf = (members: Member[]): Buffer => {
	const blocks: Buffer[] = [];
	for (const member of members) {
		const content = Buffer.from(member.content ?? '');
		const header = Buffer.alloc(512);
		const put = (value: string, offset: number, length: number) => {
			header.write(value.slice(0, length), offset, 'utf8');
		};

		const octal = (value: number, length: number) => value.toString(8).padStart(length - 1, '0');
		put(member.name, 0, 100);
		put(octal(member.mode ?? (member.type === 'dir' ? 0o755 : 0o644), 8), 100, 8);
		put(octal(0, 8), 108, 8);
		put(octal(0, 8), 116, 8);
		put(octal(member.type === undefined || member.type === 'file' ? content.length : 0, 12), 124, 12);
		put(octal(1_700_000_000, 12), 136, 12);
		put(' '.repeat(8), 148, 8);
		put(flags[member.type ?? 'file'], 156, 1);
		put(member.linkname ?? '', 157, 100);
		put('ustar\u000000', 257, 8);
		let sum = 0;
		for (const byte of header) {
			sum += byte;
		}

		put(`${octal(sum, 7)}\u0000`, 148, 8);
		blocks.push(header);
		if (content.length > 0) {
			blocks.push(content, Buffer.alloc((512 - (content.length % 512)) % 512));
		}
	}

	blocks.push(Buffer.alloc(1024));
	return Buffer.concat(blocks);
};

export const gzipOf = (data: Buffer) => gzipSync(data);
