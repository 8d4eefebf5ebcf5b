import {spawn} from 'node:child_process';
import {parseIpJson} from './links.ts';
import {parseIpNeighbors, type Neighbor} from './neighbors.ts';
import {parseIpRoutes, type IpRoute} from './routes.ts';
import type {Link} from './types.ts';

/** What one network namespace holds: its links with their addresses, its IPv4 routes, its IPv4 neighbours. */
export type NetFacts = {links: Link[]; routes: IpRoute[]; neighbors: Neighbor[]};

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

/**
 * Reads a network namespace's links, routes and neighbours in one `ip` process: rootcamp's own
 * namespace (the host's), or with `pid` the namespace of that process (through nsenter).
 */
export async function readNetFacts(pid?: number, {proc = '/proc'}: {proc?: string} = {}): Promise<NetFacts> {
	const argv = pid === undefined
		? ['ip', '-json', '-d', '-batch', '-']
		: ['nsenter', `--net=${proc}/${pid}/ns/net`, 'ip', '-json', '-d', '-batch', '-'];
	const stdout = await new Promise<string>((resolve, reject) => {
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
				? new Error(`\`${argv[0]}\` was not found: install ${pid === undefined ? 'iproute2' : 'util-linux (nsenter) and iproute2'}`, {cause: failure})
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
	return parseNetFacts(stdout);
}
