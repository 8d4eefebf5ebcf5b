import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {hostname} from 'node:os';
import {join, resolve} from 'node:path';
import type {ExecutionContext} from 'ava';

/**
 * Why privileged tests cannot run here, or undefined when they can. On CI (the CI variable set)
 * a reason is a failure, never a skip: the point of these tests is the real kernel.
 */
const cannotRunPrivileged = (): string | undefined => {
	if (process.platform !== 'linux') {
		return 'not Linux';
	}

	if (process.getuid?.() !== 0) {
		return 'not root (run the tests with sudo to exercise namespaces, mounts and veth pairs)';
	}

	for (const tool of ['unshare', 'nsenter', 'ip', 'tar', 'mkfifo']) {
		if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
			return `${tool} is missing`;
		}
	}

	return undefined;
};

/** Call first in a privileged test: skips with the reason printed, or fails on CI. Returns true to go on. */
export const requirePrivileges = (t: ExecutionContext, extra?: string): boolean => {
	const reason = cannotRunPrivileged() ?? extra;
	if (!reason) {
		return true;
	}

	if (process.env.CI) {
		t.fail(`privileged test cannot run on CI: ${reason}`);
		return false;
	}

	console.log(`skipped (${t.title}): ${reason}`);
	t.pass();
	return false;
};

/** A scratch area for one test: a rootfs path and XDG folders, all under one temp directory. */
export const scratch = (name: string) => {
	const dir = mkdtempSync(join('/var/tmp', `rootcamp-test-${name}-`));
	const env = {...process.env, XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache'), NO_COLOR: '1'};
	return {
		dir,
		rootfs: join(dir, 'rootfs'),
		env,
		paths: {state: join(dir, 'state/rootcamp'), cache: join(dir, 'cache/rootcamp'), run: join(dir, 'state/rootcamp/run')},
		/** Removes the scratch folder, only once nothing is mounted in it. */
		remove() {
			const mounts = execFileSync('cat', ['/proc/self/mounts'], {encoding: 'utf8'});
			if (!mounts.includes(dir)) {
				rmSync(dir, {recursive: true, force: true});
			}
		},
	};
};

/** The repository's root and its built CLI. */
export const repo = resolve(import.meta.dirname, '../..');
export const cli = join(repo, 'dist/cli.js');

/** The host's name as this test file found it. */
const hostnameAtStart = hostname();

/** What `../shared/tools/residue` says is left on the host (empty when clean); our own check when it is absent. */
export const residue = (): string => {
	const tool = resolve(repo, '../shared/tools/residue');
	if (existsSync(tool)) {
		return spawnSync('bash', [tool], {encoding: 'utf8'}).stdout.trim();
	}

	const links = spawnSync('ip', ['-o', 'link', 'show', 'type', 'veth'], {encoding: 'utf8'}).stdout.trim();
	return links;
};

/**
 * Nothing is left on the host: all of `residue` when the host was clean before the test, or,
 * when others' leftovers were already there (`othersBefore`), nothing of this test's own.
 */
export const assertNothingLeft = (t: ExecutionContext, othersBefore: string, dir: string) => {
	// The lessons name containers (hostname, faas) by writing a hostname in a UTS namespace of their
	// own: one written in the host's would rename the learner's machine.
	t.is(hostname(), hostnameAtStart, 'the host keeps its name');
	if (othersBefore === '') {
		t.is(residue(), '', 'nothing is left on the host');
		return;
	}

	t.log(`the host was not clean before this test:\n${othersBefore}`);
	const ours = residue().split('\n').filter(line => line.includes(dir) || /\bveth(?:Host|Cont)\b/.test(line));
	t.deepEqual(ours, [], 'nothing of this test is left on the host');
};
