import {spawn, spawnSync} from 'node:child_process';
import {chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync} from 'node:fs';
import {join} from 'node:path';
import {cli as builtCli, repo, type scratch} from '../helpers/privileged.ts';

/**
 * A copy of the built rootcamp for one test file, deleted by `remove`: the sandboxes run for
 * minutes, and an `npm run build` on this tree meanwhile (a developer's, in another terminal)
 * deletes dist/cli.js for a moment while it rebuilds. Made `under` /var/tmp, unless a test
 * wants rootcamp where a learner's quick clone would be (/tmp).
 */
export const copyCli = (under = '/var/tmp') => {
	const dir = mkdtempSync(join(under, 'rootcamp-test-sandbox-cli-'));
	// A build under way can delete a file between listing and copying it: once it is done, the copy works.
	for (let attempt = 1; ; attempt++) {
		try {
			cpSync(join(repo, 'dist'), join(dir, 'dist'), {recursive: true});
			break;
		} catch (error) {
			rmSync(join(dir, 'dist'), {recursive: true, force: true});
			if (attempt === 5) {
				throw error;
			}

			spawnSync('sleep', ['3']);
		}
	}

	for (const shared of ['lessons', 'assets', 'package.json', 'node_modules']) {
		symlinkSync(join(repo, shared), join(dir, shared));
	}

	chmodSync(dir, 0o755);
	return {cli: builtCli.replace(repo, dir), remove() {
		rmSync(dir, {recursive: true, force: true});
	}};
};

export type Run = {status: number | null; stdout: string; stderr: string; ms: number};

/** rootcamp as a learner types it (after `prefix`: a wrapper that runs it somewhere), without blocking the event loop. */
export const runCli = async (cli: string, args: string[], env: NodeJS.ProcessEnv, prefix: string[] = []): Promise<Run> => new Promise(resolve => {
	const started = Date.now();
	const [file, ...rest] = [...prefix, process.execPath, cli, ...args];
	const child = spawn(file!, rest, {env, stdio: ['ignore', 'pipe', 'pipe']});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (chunk: Buffer) => {
		stdout += chunk.toString();
	});
	child.stderr.on('data', (chunk: Buffer) => {
		stderr += chunk.toString();
	});
	child.on('close', status => {
		resolve({status, stdout, stderr, ms: Date.now() - started});
	});
});

/** `sandbox rm` of every sandbox in a scratch area (for teardown, so a failed run leaves nothing). */
export const removeSandboxes = async (cli: string, area: ReturnType<typeof scratch>) => {
	const dir = join(area.paths.state, 'sandboxes');
	const names = existsSync(dir) ? readdirSync(dir) : [];
	return Promise.all(names.map(async name => runCli(cli, ['sandbox', 'rm', name], area.env)));
};

/** Every directory under the cgroup filesystems named for sandbox `name` (its groups and what was made in them). */
export const groupsNamed = (name: string, dir = '/sys/fs/cgroup'): string[] => {
	const found: string[] = [];
	const walk = (path: string) => {
		let entries;
		try {
			entries = readdirSync(path, {withFileTypes: true});
		} catch {
			return;
		}

		for (const entry of entries.filter(entry => entry.isDirectory())) {
			const child = join(path, entry.name);
			if (entry.name === `rootcamp-sandbox-${name}`) {
				found.push(child);
			} else {
				walk(child);
			}
		}
	};

	walk(dir);
	return found;
};
