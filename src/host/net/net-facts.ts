import {spawn} from 'node:child_process';
import type {Link} from '../types.ts';
import {IpSession} from './ip-session.ts';
import {parseIpJson} from './links.ts';
import {parseIpNeighbors, type Neighbor} from './neighbors.ts';
import {parseIpRoutes, type IpRoute} from './routes.ts';

/** What one network namespace holds: its links with their addresses, its IPv4 routes, its IPv4 neighbours. */
export type NetFacts = {links: Link[]; routes: IpRoute[]; neighbors: Neighbor[]};

/** A container's network facts and, asked in the same process, the hostname of its UTS namespace. */
export type ContainerFacts = NetFacts & {hostname: string};

/** The three questions, asked of one `ip -batch` process: a process start costs more here than the answers. */
const questions = 'addr show\nroute show table all\nneigh show\n';

const isIpv4 = (address: string) => !address.includes(':');

/** Parses the three JSON lines `ip -json -batch` prints for the questions above. */
export function parseNetFacts(text: string): NetFacts {
	const [links = '[]', routes = '[]', neighbors = '[]'] = text.split('\n').filter(line => line.trim() !== '');
	return {
		links: parseIpJson(links),
		routes: parseIpRoutes(routes).filter(route => route.dst === 'default' || isIpv4(route.dst)),
		neighbors: parseIpNeighbors(neighbors).filter(neighbor => isIpv4(neighbor.address)),
	};
}

/** The container's answer: its hostname on the first line, then the three lines of `ip -batch`. */
export function parseContainerFacts(text: string): ContainerFacts {
	const newline = text.indexOf('\n');
	return {hostname: text.slice(0, newline === -1 ? text.length : newline), ...parseNetFacts(newline === -1 ? '' : text.slice(newline + 1))};
}

/** What one network round read: the host's side and, with a container, the container's (or why it could not). */
export type NetworkRound = {host: NetFacts; container?: ContainerFacts | Error};

const ipBatch = ['ip', '-json', '-d', '-batch', '-'];

/**
 * Run inside the container's namespaces: the hostname of its UTS namespace, read with a shell
 * builtin (a `uname` would double the time), then the questions. The tools are the host's
 * (nsenter enters no root), so a rootfs without `ip` still answers.
 */
const hostnameThenIp = `read -r name < /proc/sys/kernel/hostname && printf "%s\\n" "$name" && exec ${ipBatch.join(' ')}`;

/** The line between the host's answer and the container's. */
const separator = '--- container';

/** Both sides from one shell: the host's `ip -batch`, then the container's (its namespace files are $1 and $2). */
const bothSides = [
	`${ipBatch.join(' ')} <<'QUESTIONS' || exit`,
	questions.trimEnd(),
	'QUESTIONS',
	`printf '%s\\n' '${separator}'`,
	`exec nsenter --net="$1" --uts="$2" sh -c '${hostnameThenIp}' <<'QUESTIONS'`,
	questions.trimEnd(),
	'QUESTIONS',
].join('\n');

/**
 * Reads the host's network namespace and, when `containerPid` finds one (the container's shell),
 * that process's network namespace and hostname. Starting a process is the dearest part of a
 * check round (several milliseconds of rootcamp's own thread each, more the larger rootcamp has
 * grown), so the first round of a process (all a `verify` has) asks both sides from one shell,
 * and later rounds (the app's watch, `solve`'s snapshots) ask the host a kept `ip` session and
 * start a process only for the container's side. The PID is asked for lazily: a later round
 * sends the host's questions first, and ip answers them while rootcamp walks /proc.
 */
export async function readNetwork(containerPid: () => Promise<number | undefined>, {proc = '/proc'}: {proc?: string} = {}): Promise<NetworkRound> {
	rounds++;
	if (rounds > 1) {
		const host = hostFromSession();
		// Awaited below; until then a failure must not count as unhandled.
		host.catch(() => undefined);
		const pid = await containerPid();
		if (pid === undefined) {
			return {host: await host};
		}

		const [hostFacts, container] = await Promise.all([host, readContainer(namespacesOf(pid, proc))]);
		return {host: hostFacts, container};
	}

	const pid = await containerPid();
	if (pid === undefined) {
		return {host: await hostOnce()};
	}

	const namespaces = namespacesOf(pid, proc);
	const {code, stdout, stderr} = await run(['/bin/sh', '-c', bothSides, 'rootcamp-network', ...namespaces]);
	const split = stdout.indexOf(`\n${separator}\n`);
	if (split === -1) {
		throw hostFailure(code, stderr);
	}

	// If the container's half failed, the host's still answered (the shell may have just ended).
	return {
		host: parseNetFacts(stdout.slice(0, split + 1)),
		container: code === 0 ? parseContainerFacts(stdout.slice(split + separator.length + 2)) : containerFailure(namespaces[0], code, stderr),
	};
}

const namespacesOf = (pid: number, proc: string) => [`${proc}/${pid}/ns/net`, `${proc}/${pid}/ns/uts`] as const;

/** Network rounds this process has read: the first one starts no session. */
let rounds = 0;
let session: IpSession | undefined;

/** The host's side from one `ip` of its own. */
async function hostOnce(): Promise<NetFacts> {
	const {code, stdout, stderr} = await run(ipBatch, questions);
	if (code !== 0) {
		throw hostFailure(code, stderr);
	}

	return parseNetFacts(stdout);
}

/** The host's side from the kept session; a session that fails is dropped, and one `ip` asked instead. */
async function hostFromSession(): Promise<NetFacts> {
	if (session === undefined || session.ended) {
		session = new IpSession();
	}

	try {
		return parseNetFacts((await session.ask(questions.trimEnd().split('\n'))).join('\n'));
	} catch {
		session.close();
		session = undefined;
		return hostOnce();
	}
}

/** The container's side alone. */
async function readContainer([net, uts]: readonly [string, string]): Promise<ContainerFacts | Error> {
	const {code, stdout, stderr} = await run(['nsenter', `--net=${net}`, `--uts=${uts}`, 'sh', '-c', hostnameThenIp], questions);
	return code === 0 ? parseContainerFacts(stdout) : containerFailure(net, code, stderr);
}

const hostFailure = (code: number | null, stderr: string) =>
	new Error(code === 127 ? '`ip` was not found: install iproute2' : `\`ip -json -d -batch -\` failed: ${stderr.trim() || `exit ${code}`}`);

const containerFailure = (net: string, code: number | null, stderr: string) =>
	new Error(code === 127 && stderr.includes('nsenter: not found')
		? '`nsenter` was not found: install util-linux'
		: `\`nsenter --net=${net} ip -json -d -batch -\` failed: ${stderr.trim() || `exit ${code}`}`);

/** Runs argv (with `input` on its stdin) and collects what it printed and how it ended; a missing program is exit 127, as in a shell. */
async function run(argv: string[], input?: string): Promise<{code: number | null; stdout: string; stderr: string}> {
	return new Promise((resolve, reject) => {
		const child = spawn(argv[0]!, argv.slice(1), {stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
			stdout += chunk;
		});
		child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
			stderr += chunk;
		});
		child.on('error', error => {
			if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
				resolve({code: 127, stdout: '', stderr: `${argv[0]!}: not found`});
			} else {
				reject(error);
			}
		});
		child.on('close', code => {
			resolve({code, stdout, stderr});
		});
		child.stdin?.on('error', () => undefined).end(input);
	});
}
