import {spawn, spawnSync} from 'node:child_process';
import {closeSync, openSync, readFileSync} from 'node:fs';
import type {SandboxLayout} from './layout.ts';
import {startTimeOf, type SandboxNetwork} from './record.ts';

/** What slirp4netns said last: its reason (`open("/dev/net/tun"): Permission denied` for a user the host's tun device is closed to). */
const lastLine = (file: string): string => {
	try {
		return readFileSync(file, 'utf8').trim().split('\n').findLast(line => line !== '' && !line.startsWith('child failed')) ?? 'it said nothing';
	} catch {
		return 'it said nothing';
	}
};

/**
 * Gives the sandbox's network namespace its own way out, without touching the host's interfaces,
 * routes or firewall: slirp4netns runs on the host as an ordinary process, owns a tap device
 * inside (tap0, 10.0.2.100/24, default route via 10.0.2.2, DNS at 10.0.2.3) and turns the
 * sandbox's packets into its own sockets, as a browser's would be. The apt lessons reach the
 * host's mirror that way. `--disable-host-loopback` keeps the host's 127.0.0.1 out of reach;
 * `--enable-sandbox` confines slirp4netns itself to an empty root with no capabilities.
 */
export const startNetwork = async (layout: SandboxLayout, holder: number, timeout = 5000): Promise<SandboxNetwork> => {
	if (spawnSync('sh', ['-c', 'command -v slirp4netns']).status !== 0) {
		return {missing: 'slirp4netns is not installed (apt-get install slirp4netns): the sandbox has no way out, and the apt steps cannot reach the mirror'};
	}

	const log = openSync(`${layout.log}.network`, 'w');
	const child = spawn('slirp4netns', ['--configure', '--mtu=65520', '--disable-host-loopback', '--enable-sandbox', '--ready-fd=3', String(holder), 'tap0'], {
		detached: true,
		stdio: ['ignore', 'ignore', log, 'pipe'],
	});
	closeSync(log);
	const ready = await new Promise<string | undefined>(resolve => {
		const timer = setTimeout(() => {
			resolve(`slirp4netns said nothing for ${timeout / 1000} s`);
		}, timeout);
		child.stdio[3]!.once('data', () => {
			clearTimeout(timer);
			resolve(undefined);
		});
		child.once('exit', code => {
			clearTimeout(timer);
			resolve(`slirp4netns exited (${code ?? 'killed'}): ${lastLine(`${layout.log}.network`)}`);
		});
	});
	child.removeAllListeners('exit');
	child.stdio[3]!.destroy();
	child.unref();
	const startTime = child.pid === undefined ? undefined : startTimeOf(child.pid);
	if (ready !== undefined || child.pid === undefined || startTime === undefined) {
		if (child.pid !== undefined && startTime !== undefined) {
			process.kill(child.pid, 'SIGKILL');
		}

		return {missing: ready ?? 'slirp4netns ended as soon as it was ready'};
	}

	return {pid: child.pid, startTime};
};

/** Ends the sandbox's slirp4netns, if it still runs (the same process: PID and start time), and waits until it has. */
export const stopNetwork = async (network: SandboxNetwork | undefined, timeout = 2000): Promise<boolean> => {
	if (!network || 'missing' in network || startTimeOf(network.pid) !== network.startTime) {
		return false;
	}

	process.kill(network.pid, 'SIGKILL');
	const deadline = Date.now() + timeout;
	while (startTimeOf(network.pid) === network.startTime && Date.now() < deadline) {
		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}

	return true;
};
