import {readFileSync} from 'node:fs';

/**
 * The kernel's capability names by bit number (linux/capability.h, 0 to 40 as of Linux 5.9).
 * A bit past the list is named `cap_N`, as `capsh --decode` does for one it does not know.
 */
export const capabilityNames = [
	'cap_chown', 'cap_dac_override', 'cap_dac_read_search', 'cap_fowner', 'cap_fsetid', 'cap_kill', 'cap_setgid', 'cap_setuid',
	'cap_setpcap', 'cap_linux_immutable', 'cap_net_bind_service', 'cap_net_broadcast', 'cap_net_admin', 'cap_net_raw', 'cap_ipc_lock', 'cap_ipc_owner',
	'cap_sys_module', 'cap_sys_rawio', 'cap_sys_chroot', 'cap_sys_ptrace', 'cap_sys_pacct', 'cap_sys_admin', 'cap_sys_boot', 'cap_sys_nice',
	'cap_sys_resource', 'cap_sys_time', 'cap_sys_tty_config', 'cap_mknod', 'cap_lease', 'cap_audit_write', 'cap_audit_control', 'cap_setfcap',
	'cap_mac_override', 'cap_mac_admin', 'cap_syslog', 'cap_wake_alarm', 'cap_block_suspend', 'cap_audit_read', 'cap_perfmon', 'cap_bpf',
	'cap_checkpoint_restore',
] as const;

/** What /proc/PID/status's `Seccomp:` number means (0, 1, 2). */
type SeccompMode = 'disabled' | 'strict' | 'filter';
const seccompModes: readonly SeccompMode[] = ['disabled', 'strict', 'filter'];

/** A process's privileges as /proc/PID/status tells them: capability sets by name, no_new_privs, seccomp. */
export type Security = {
	effective: string[];
	permitted: string[];
	bounding: string[];
	inheritable: string[];
	ambient: string[];
	/** `NoNewPrivs: 1`: exec can never gain privileges again (setuid bits and file capabilities are ignored). */
	noNewPrivs?: boolean;
	seccomp?: SeccompMode;
	/** How many seccomp filters are attached (`Seccomp_filters:`, Linux 5.9 and later). */
	seccompFilters?: number;
};

/** The capability names of a hexadecimal set (`CapEff: 0000000020000420` → cap_kill, cap_net_bind_service, cap_audit_write). */
export function decodeCapabilities(hex: string): string[] {
	if (!/^[\da-f]+$/i.test(hex)) {
		return [];
	}

	const value = BigInt(`0x${hex}`);
	const names: string[] = [];
	for (let bit = 0n; (1n << bit) <= value; bit++) {
		if ((value >> bit) & 1n) {
			names.push(capabilityNames[Number(bit)] ?? `cap_${bit}`);
		}
	}

	return names;
}

/** A capability written as a lesson or runc's config.json does (`CAP_KILL`, `kill`), as the kernel's name (`cap_kill`). */
export function capabilityName(text: string): string {
	const lower = text.trim().toLowerCase();
	return lower.startsWith('cap_') ? lower : `cap_${lower}`;
}

/** Parses the privilege lines of `/proc/PID/status`. */
export function parseSecurity(status: string): Security {
	const field = (name: string) => new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(status)?.[1];
	const set = (name: string) => decodeCapabilities(field(name) ?? '');
	const noNewPrivs = field('NoNewPrivs');
	const seccomp = field('Seccomp');
	const filters = field('Seccomp_filters');
	return {
		effective: set('CapEff'),
		permitted: set('CapPrm'),
		bounding: set('CapBnd'),
		inheritable: set('CapInh'),
		ambient: set('CapAmb'),
		...(noNewPrivs === undefined ? {} : {noNewPrivs: noNewPrivs === '1'}),
		...(seccomp === undefined || seccompModes[Number(seccomp)] === undefined ? {} : {seccomp: seccompModes[Number(seccomp)]}),
		...(filters === undefined ? {} : {seccompFilters: Number(filters)}),
	};
}

/** Reads a process's privileges; null when it is gone. Synchronous, like every /proc read here. */
export function readSecurity(pid: number | 'self', {proc = '/proc'}: {proc?: string} = {}): Security | null {
	try {
		return parseSecurity(readFileSync(`${proc}/${pid}/status`, 'utf8'));
	} catch {
		return null;
	}
}
