import {spawn} from 'node:child_process';
import {parseIpJson} from './links.ts';
import {parseIpNeighbors, type Neighbor} from './neighbors.ts';
import {parseIpRoutes, type IpRoute} from './routes.ts';
import type {Link} from './types.ts';

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

const ipBatch = ['ip', '-json', '-d', '-batch', '-'];

/** Reads rootcamp's own network namespace (the host's) in one `ip` process. */
export async function readNetFacts(): Promise<NetFacts> {
	return parseNetFacts(await ask(ipBatch, 'iproute2'));
}

/**
 * Reads the network namespace of process `pid` (the container's shell) and the hostname of its UTS
 * namespace, in one process started from here. Starting a process is the dearest part of a check
 * round (several milliseconds of rootcamp's own thread each), so the container costs one, not two.
 * The tools are the host's (nsenter enters no root), so a rootfs without `ip` still answers.
 */
export async function readContainerFacts(pid: number, {proc = '/proc'}: {proc?: string} = {}): Promise<ContainerFacts> {
	// The shell reads the name with a builtin (a `uname` would double the round's time), then becomes ip.
	const script = `read -r name < /proc/sys/kernel/hostname && printf '%s\\n' "$name" && exec ${ipBatch.join(' ')}`;
	const argv = ['nsenter', `--net=${proc}/${pid}/ns/net`, `--uts=${proc}/${pid}/ns/uts`, 'sh', '-c', script];
	return parseContainerFacts(await ask(argv, 'util-linux (nsenter) and iproute2'));
}

/** Runs `argv` with the batch questions on its stdin and returns what it printed. */
async function ask(argv: string[], install: string): Promise<string> {
	return new Promise<string>((resolve, reject) => {
		const child = spawn(argv[0]!, argv.slice(1), {stdio: ['pipe', 'pipe', 'pipe']});
		let out = '';
		let error = '';
		child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			out += chunk;
		});
		child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
			error += chunk;
		});
		child.on('error', failure => {
			reject((failure as NodeJS.ErrnoException).code === 'ENOENT'
				? new Error(`\`${argv[0]}\` was not found: install ${install}`, {cause: failure})
				: failure);
		});
		child.on('close', code => {
			if (code === 0) {
				resolve(out);
			} else {
				reject(new Error(`\`${argv.join(' ')}\` failed: ${error.trim() || `exit ${code}`}`));
			}
		});
		child.stdin.end(questions);
	});
}
