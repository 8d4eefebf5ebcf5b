import {execFileSync, spawnSync} from 'node:child_process';
import {hostname} from 'node:os';
import test, {type ExecutionContext} from 'ava';
import {openWorkshop} from '../../src/workshop/workshop.ts';
import {cli, repo, requirePrivileges, residue, scratch} from '../helpers/privileged.ts';
import {Tmux} from './tmux.ts';

/**
 * The shell key as a learner meets it: rootcamp started at an interactive bash prompt (job
 * control on), `s` opens the container's shell, and however that shell ends the app has the
 * terminal back. Before the fix an interactive shell in the container's PID namespace kept the
 * terminal's foreground group, and the kernel stopped rootcamp (`[1]+ Stopped`).
 */

const missing = () => {
	for (const tool of ['tmux', 'script', 'busybox']) {
		if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
			return `${tool} is not installed`;
		}
	}

	return undefined;
};

type Row = {pid: number; ppid: number; stat: string; args: string};
const processTable = (): Row[] => execFileSync('ps', ['-e', '-o', 'pid=,ppid=,stat=,args='], {encoding: 'utf8'})
	.split('\n').filter(Boolean).map(line => {
		const [, pid, ppid, stat, args] = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line)!;
		return {pid: Number(pid), ppid: Number(ppid), stat: stat!, args: args!};
	});

const descendantsOf = (pid: number, rows = processTable()): Row[] => {
	const children = rows.filter(row => row.ppid === pid);
	return children.flatMap(child => [child, ...descendantsOf(child.pid, rows)]);
};

/** The app's own node process, found under the pane's bash (directly, or under npm). */
const appProcess = (tmux: Tmux): Row => {
	const app = descendantsOf(tmux.panePid('app')).find(row => row.args.includes('dist/cli.js') && /\bnode\b/.test(row.args));
	if (!app) {
		throw new Error('the app is not running under the pane\'s shell');
	}

	return app;
};

/** The container's shell: the last process in the chain `script` → … → nsenter → shell. */
const containerShell = (tmux: Tmux): Row => {
	const rows = processTable();
	const script = descendantsOf(appProcess(tmux).pid, rows).find(row => /^\S*script\b/.test(row.args));
	const chain = script ? descendantsOf(script.pid, rows) : [];
	const leaf = chain.find(row => !rows.some(other => other.ppid === row.pid));
	if (!leaf) {
		throw new Error('no container shell under the app');
	}

	return leaf;
};

const prepare = (t: ExecutionContext, name: string) => {
	const area = scratch(`shell-${name}`);
	const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args, '--rootfs', area.rootfs, '--route', 'busybox', '--yes'], {env: area.env, encoding: 'utf8'});
	t.teardown(() => {
		run('reset', '--purge');
		area.remove();
	});
	t.is(run('solve', 'copy').status, 0);
	t.is(run('solve', 'enter/chroot').status, 0);
	return area;
};

/** A bash prompt in tmux with job control, and rootcamp typed at it as a person starts it. */
const startAtPrompt = (t: ExecutionContext, area: ReturnType<typeof scratch>, launcher: 'direct' | 'npm', name: string) => {
	const tmux = new Tmux(`rootcamp-shell-${name}-${process.pid}`);
	tmux.start('bash --norc --noprofile -i', {width: 110, height: 32});
	t.teardown(() => {
		tmux.kill();
	});
	const options = `--rootfs ${area.rootfs} --route busybox`;
	const command = launcher === 'npm' ? `npm start --silent -- ${options}` : `./dist/cli.js ${options}`;
	tmux.type('app', `cd ${repo} && export XDG_STATE_HOME=${area.env.XDG_STATE_HOME} XDG_CACHE_HOME=${area.env.XDG_CACHE_HOME} TERM=xterm-256color`);
	tmux.type('app', command);
	return tmux;
};

const stepScreen = /Set a usable PATH[\s\S]*s shell/;

/** Opens the container's shell with `s` and checks that what it runs runs inside the container. */
const openContainerShell = async (t: ExecutionContext, tmux: Tmux, containerPid: number) => {
	tmux.press('app', 's');
	await tmux.waitFor('app', /Type exit to come back[\s\S]*# ?$/m);
	tmux.type('app', 'clear; echo "pid=$$ host=$(hostname) proc=$(ls /proc | wc -l)"');
	// Wait for the prompt after the answer too: what is typed next must reach a shell that waits at
	// its prompt, not one still printing (in CI a typed `exit` was once not taken; not reproduced).
	const screen = await tmux.waitFor('app', /pid=\d+ host=\S+ proc=\d+\s*\n\/ # ?$/m);
	const [, pid, host, proc] = /pid=(\d+) host=(\S+) proc=(\d+)/.exec(screen)!;
	t.true(Number(pid) > 1, 'the shell is a process inside the container\'s PID namespace, beside its PID 1');
	t.not(Number(pid), containerPid, 'and not a host PID');
	t.is(host, hostname(), 'the container shares the host\'s UTS namespace until the write-up says otherwise');
	t.is(proc, '0', 'its /proc is the rootfs\'s own, not yet mounted (enter/proc comes later)');
};

/** After the shell ends: the app redraws, is not stopped, and answers a key within a second. */
const appIsBack = async (t: ExecutionContext, tmux: Tmux, how: string) => {
	// Generous under a loaded machine: what must be quick is the answer to a key, timed below.
	const screen = await tmux.waitFor('app', stepScreen, 10_000);
	t.notRegex(screen, /Stopped/, `after ${how}, bash did not report rootcamp stopped`);
	t.false(appProcess(tmux).stat.startsWith('T'), `after ${how}, the app is not in state T`);
	tmux.press('app', 'l');
	await t.notThrowsAsync(tmux.waitFor('app', /Lessons[\s\S]*Copy-paste the target container/, 1000), `after ${how}, the app answers a key within a second`);
	tmux.press('app', 'Enter');
	await tmux.waitFor('app', stepScreen, 3000);
};

for (const launcher of ['direct', 'npm'] as const) {
	test.serial(`the shell key gives the terminal back to the app, started ${launcher === 'npm' ? 'with npm start' : 'as ./dist/cli.js'} at a bash prompt`, async t => {
		if (!requirePrivileges(t, missing())) {
			return;
		}

		const area = prepare(t, launcher);
		const container = await (await openWorkshop({rootfs: area.rootfs, route: 'busybox', paths: area.paths})).probes().container();
		t.truthy(container, 'the container of enter/chroot runs');
		const tmux = startAtPrompt(t, area, launcher, launcher);
		await tmux.waitFor('app', /Lessons[\s\S]*Enter back in/, 60_000);
		tmux.press('app', 'Enter');
		await tmux.waitFor('app', stepScreen);

		await openContainerShell(t, tmux, container!.pid);
		tmux.type('app', 'exit');
		await appIsBack(t, tmux, 'exit');

		await openContainerShell(t, tmux, container!.pid);
		tmux.press('app', 'C-d');
		await appIsBack(t, tmux, 'Ctrl-D');

		await openContainerShell(t, tmux, container!.pid);
		process.kill(containerShell(tmux).pid, 'SIGKILL');
		await appIsBack(t, tmux, 'the shell was killed');

		tmux.press('app', 'q');
		await tmux.waitFor('app', /Progress saved[\s\S]*bash-[\d.]+# ?$/m, 10_000);
		t.notRegex(tmux.screen('app'), /Stopped/);
		t.is(spawnSync('ps', ['-p', String(container!.pid)]).status, 0, 'the learner\'s container itself still runs: only its second shell ended');
		spawnSync(process.execPath, [cli, 'reset', '--purge', '--yes', '--rootfs', area.rootfs], {env: area.env});
		t.is(residue().split('\n').filter(line => line.includes(area.dir)).join('\n'), '', 'nothing of this test is left on the host');
	});
}
