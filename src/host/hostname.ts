import {readFile} from 'node:fs/promises';
import {execTool} from './exec.ts';

/** The hostname in rootcamp's own UTS namespace (the host's). */
export async function hostHostname({proc = '/proc'}: {proc?: string} = {}): Promise<string> {
	// The kernel answers for the reader's UTS namespace, so this file is the host's name here.
	return (await readFile(`${proc}/sys/kernel/hostname`, 'utf8')).trim();
}

/** The hostname in the UTS namespace of process `pid` (the container's shell). */
export async function containerHostname(pid: number, {proc = '/proc'}: {proc?: string} = {}): Promise<string> {
	// Enter only the UTS namespace, so the host's uname is used even if the rootfs has none.
	const {stdout} = await execTool('nsenter', [`--uts=${proc}/${pid}/ns/uts`, 'uname', '-n'], {install: 'util-linux (nsenter) and coreutils'});
	return stdout.trim();
}
