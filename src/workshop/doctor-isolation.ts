import {readFileSync} from 'node:fs';
import {readCgroupHierarchy, type CgroupHierarchy} from '../host/cgroup/cgroup.ts';
import {which} from '../host/tools/tools.ts';
import type {Finding} from './doctor.ts';

/** What the limits, pivot-root and rootless lessons need beyond the write-up's tools. */
export const isolationFindings = ({hierarchy = readCgroupHierarchy(), sysctl = readSysctl}: {hierarchy?: CgroupHierarchy; sysctl?: (name: string) => string | undefined} = {}): Finding[] => {
	const findings: Finding[] = [];
	findings.push(hierarchy.version === 'none'
		? {name: 'control groups', ok: false, detail: hierarchy.reason, fix: 'a kernel with the pids and memory controllers, and cgroup2 mounted on /sys/fs/cgroup (the limits lesson)'}
		: {name: 'control groups', ok: true, detail: `cgroup ${hierarchy.version}: pids in ${hierarchy.roots.pids}, memory in ${hierarchy.roots.memory}`});
	const unprivileged = sysctl('kernel/unprivileged_userns_clone');
	const most = sysctl('user/max_user_namespaces');
	findings.push(unprivileged === '0' || most === '0'
		? {name: 'user namespaces', ok: false, detail: unprivileged === '0' ? 'kernel.unprivileged_userns_clone is 0' : 'user.max_user_namespaces is 0', fix: 'sysctl -w kernel.unprivileged_userns_clone=1 (or user.max_user_namespaces=15000) for the rootless lesson'}
		: {name: 'user namespaces', ok: true, detail: 'ordinary users may make them (the rootless lesson)'});
	for (const tool of ['setpriv', 'pivot_root']) {
		const path = which(tool);
		findings.push(path ? {name: tool, ok: true, detail: path} : {name: tool, ok: false, detail: 'not found', fix: 'apt-get install util-linux'});
	}

	return findings;
};

function readSysctl(name: string): string | undefined {
	try {
		return readFileSync(`/proc/sys/${name}`, 'utf8').trim();
	} catch {
		return undefined;
	}
}
