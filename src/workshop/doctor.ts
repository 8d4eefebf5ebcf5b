import {existsSync, readFileSync} from 'node:fs';
import {readCgroupHierarchy} from '../host/cgroup/cgroup.ts';
import {which} from '../host/tools/tools.ts';
import type {DoctorContext, Finding} from './facts/fact.ts';
import {facts} from './facts/registry.ts';
import {findRoutes} from './route.ts';

export type {Finding} from './facts/fact.ts';

const tools: Array<{name: string; fix: string}> = [
	{name: 'unshare', fix: 'apt-get install util-linux (unshare, nsenter, mount)'},
	{name: 'nsenter', fix: 'apt-get install util-linux'},
	{name: 'chroot', fix: 'apt-get install coreutils'},
	{name: 'ip', fix: 'apt-get install iproute2'},
	{name: 'tar', fix: 'apt-get install tar'},
	{name: 'mkfifo', fix: 'apt-get install coreutils'},
	{name: 'ps', fix: 'apt-get install procps (the write-up uses ps axjf on the host)'},
	{name: 'script', fix: 'apt-get install bsdutils (script gives the container\'s shell, the app\'s s key, a terminal of its own)'},
	{name: 'ping', fix: 'apt-get install iputils-ping (the wire lesson pings across the veth pair)'},
	{name: 'setpriv', fix: 'apt-get install util-linux (the rootless lesson drops to an ordinary user with it)'},
	{name: 'pivot_root', fix: 'apt-get install util-linux (the pivot-root lesson)'},
];

/** What each fact the lessons watch needs of this host (control groups, user namespaces). */
export const factFindings = (context: DoctorContext = {hierarchy: readCgroupHierarchy(), sysctl: readSysctl}): Finding[] =>
	facts.flatMap(fact => fact.doctor?.(context) ?? []);

/** Can this host do the workshop? Each missing piece named, with how to get it. */
export const diagnose = async (image?: string): Promise<Finding[]> => {
	const findings: Finding[] = [];
	findings.push(process.platform === 'linux'
		? {name: 'Linux', ok: true, detail: 'namespaces and chroot are Linux features'}
		: {name: 'Linux', ok: false, detail: `this is ${process.platform}`, fix: 'run rootcamp on a Linux host or VM (a container will not do: it needs to make namespaces of its own)'});
	const root = process.getuid?.() === 0;
	findings.push(root
		? {name: 'root', ok: true, detail: 'running as root'}
		: {name: 'root', ok: false, detail: 'not running as root', fix: 'run it with sudo: sudo rootcamp …'});
	findings.push(existsSync('/proc/self/ns/net') && existsSync('/proc/self/ns/pid')
		? {name: 'namespaces', ok: true, detail: '/proc/self/ns lists pid, mnt and net namespaces'}
		: {name: 'namespaces', ok: false, detail: 'no /proc/self/ns', fix: 'a kernel with namespaces (CONFIG_NAMESPACES) and /proc mounted'});
	for (const tool of tools) {
		const path = which(tool.name);
		findings.push(path ? {name: tool.name, ok: true, detail: path} : {name: tool.name, ok: false, detail: 'not found', fix: tool.fix});
	}

	findings.push(...factFindings());
	const routes = await findRoutes(image);
	const usable = routes.filter(route => route.usable);
	findings.push(usable.length > 0
		? {name: 'a rootfs', ok: true, detail: routes.map(route => `${route.usable ? '✓' : '✗'} ${route.route}: ${route.why}`).join('; ')}
		: {name: 'a rootfs', ok: false, detail: 'no route to a root filesystem', fix: 'apt-get install debootstrap (online) or busybox-static (offline)'});
	return findings;
};

function readSysctl(name: string): string | undefined {
	try {
		return readFileSync(`/proc/sys/${name}`, 'utf8').trim();
	} catch {
		return undefined;
	}
}
