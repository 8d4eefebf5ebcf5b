import {existsSync} from 'node:fs';
import {which} from '../host/tools/tools.ts';
import {findRoutes} from './route.ts';
import {isolationFindings} from './doctor-isolation.ts';

/** One thing the workshop needs, whether this host has it, and how to get it if not. */
export type Finding = {name: string; ok: boolean; detail: string; fix?: string};

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
];

/** Can this host do the workshop? Each missing piece named, with how to get it. */
export const diagnose = async (): Promise<Finding[]> => {
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

	findings.push(...isolationFindings());
	const routes = await findRoutes();
	const usable = routes.filter(route => route.usable);
	findings.push(usable.length > 0
		? {name: 'a rootfs', ok: true, detail: routes.map(route => `${route.usable ? '✓' : '✗'} ${route.route}: ${route.why}`).join('; ')}
		: {name: 'a rootfs', ok: false, detail: 'no route to a root filesystem', fix: 'apt-get install debootstrap (online) or busybox-static (offline)'});
	return findings;
};
