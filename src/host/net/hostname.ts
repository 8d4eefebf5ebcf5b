import {readFileSync} from 'node:fs';

/** The hostname in rootcamp's own UTS namespace (the host's). */
export async function hostHostname({proc = '/proc'}: {proc?: string} = {}): Promise<string> {
	// The kernel answers for the reader's UTS namespace, so this file is the host's name here.
	return readFileSync(`${proc}/sys/kernel/hostname`, 'utf8').trim();
}
