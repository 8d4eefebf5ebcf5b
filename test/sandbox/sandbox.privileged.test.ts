import {spawn, spawnSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync, readlinkSync, statSync, writeFileSync} from 'node:fs';
import {basename, dirname, join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {parseMountinfo} from '../../src/host/proc/mountinfo.ts';
import {processesIn, startTimeOf, ticksSinceBoot, type SandboxRecord} from '../../src/sandbox/record.ts';
import {requirePrivileges, residue, scratch} from '../helpers/privileged.ts';
import {waitFor} from '../helpers/wait-for.ts';
import {Tmux} from '../e2e/tmux.ts';
import {copyCli, removeSandboxes, runCli, type Run} from './sandbox-cli.ts';

/** The write-up's lessons, which every sandbox solves on the busybox route. */
const writeUp = ['copy', 'enter', 'network-basic', 'network-advanced'];

/** The whole course, in order: what the eight sandboxes solve. */
const courseLessons = ['copy', 'enter', 'network-basic', 'network-advanced', 'wire', 'hostname', 'dev', 'limits', 'pivot-root', 'rootless', 'layers', 'runtime', 'faas'];

/** How many sandboxes solve the course at once (the issue's eight; ROOTCAMP_SANDBOXES to try others). */
const sandboxCount = Number(process.env.ROOTCAMP_SANDBOXES ?? 8);

/** This file's own copy of the built rootcamp (copyCli says why); the rootless test's user runs it too. */
const copy = copyCli();
const {cli} = copy;
test.after.always(() => {
	copy.remove();
});

/** rootcamp as a learner types it, without blocking the event loop: the sandboxes run at once. */
const rootcamp = async (args: string[], env: NodeJS.ProcessEnv, prefix: string[] = []): Promise<Run> => runCli(cli, args, env, prefix);

const hostLinks = (): string[] => (JSON.parse(spawnSync('ip', ['-json', 'link', 'show'], {encoding: 'utf8'}).stdout) as Array<{ifname: string}>).map(link => link.ifname);
const hostMounts = (): string[] => parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8')).map(mount => `${mount.fstype} ${mount.target}`);

const recordOf = (area: ReturnType<typeof scratch>, name: string): SandboxRecord =>
	JSON.parse(readFileSync(join(area.paths.state, 'sandboxes', name, 'sandbox.json'), 'utf8')) as SandboxRecord;

/** `sandbox rm` of each sandbox, in teardown too, so a failed run leaves nothing. */
const removeAll = async (area: ReturnType<typeof scratch>) => {
	const dir = join(area.paths.state, 'sandboxes');
	const names = existsSync(dir) ? readdirSync(dir) : [];
	return Promise.all(names.map(async name => ({name, run: await rootcamp(['sandbox', 'rm', name], area.env)})));
};

/**
 * After `sandbox rm` (which ended by `removedBy`, in ticks since boot): no process in its
 * namespaces, no control group, no folder. The holder is checked by PID and start time.
 */
const assertGone = (t: ExecutionContext, area: ReturnType<typeof scratch>, record: SandboxRecord, removedBy: number) => {
	t.deepEqual(processesIn(record, removedBy), [], `${record.name}: no process is left in its namespaces`);
	t.not(startTimeOf(record.holder), record.startTime, `${record.name}: its holder has ended`);
	if (record.network && 'pid' in record.network) {
		const {pid, startTime} = record.network;
		t.not(startTimeOf(pid), startTime, `${record.name}: its slirp4netns has ended`);
	}

	t.deepEqual(record.groups.roots.filter(group => existsSync(group)), [], `${record.name}: no control group is left`);
	t.false(existsSync(join(area.paths.state, 'sandboxes', record.name)), `${record.name}: its folder is deleted`);
};

/**
 * The residue tool says nothing new of ours: no veth link, no /ubunturoot, no mount or process
 * anywhere but in other engineers' scratch folders, whose tests run beside these (some without
 * the host lock, which these tests hold) and are left to them.
 */
const assertNothingLeft = (t: ExecutionContext, before: string, dir: string) => {
	const known = new Set(before.split('\n'));
	const others = (line: string) => line.includes('/var/tmp/') && !line.includes(dir);
	const fresh = residue().split('\n').filter(line => line !== '' && !known.has(line));
	if (fresh.some(line => others(line))) {
		t.log(`others' leftovers appeared meanwhile:\n${fresh.filter(line => others(line)).join('\n')}`);
	}

	t.deepEqual(fresh.filter(line => !others(line)), [], 'residue reports nothing new of these sandboxes');
};

const cannotSandbox = (): string | undefined => (existsSync('/bin/busybox') ? undefined : 'busybox-static is not installed');

test.serial(`${sandboxCount} sandboxes solve the whole course at once (busybox route); each verifies with nothing failing; the host keeps no link, mount or group of theirs`, async t => {
	if (!requirePrivileges(t, cannotSandbox())) {
		return;
	}

	t.timeout(20 * 60_000);
	const othersBefore = residue();
	const area = scratch('sandboxes');
	t.teardown(async () => {
		await removeAll(area);
		area.remove();
	});
	const linksBefore = new Set(hostLinks());
	const mountsBefore = new Set(hostMounts());
	const newLinks = new Set<string>();
	const newMounts = new Set<string>();
	// Other helpers' tests mount scratch folders of their own under /var/tmp without the host lock; only ours count.
	const ours = (mount: string) => !mount.includes(' /var/tmp/') || mount.includes(area.dir);
	const sample = setInterval(() => {
		for (const link of hostLinks().filter(link => !linksBefore.has(link))) {
			newLinks.add(link);
		}

		for (const mount of hostMounts().filter(mount => !mountsBefore.has(mount) && ours(mount))) {
			newMounts.add(mount);
		}
	}, 100);
	t.teardown(() => {
		clearInterval(sample);
	});
	const names = Array.from({length: sandboxCount}, (_, index) => `s${index + 1}`);
	const started = Date.now();
	// Lesson by lesson, as a learner goes, the faas lesson's fork bombs and memory hogs included.
	const solved = await Promise.all(names.map(async name => {
		const runs: Array<{lesson: string; run: Run}> = [];
		for (const lesson of courseLessons) {
			runs.push({lesson, run: await rootcamp(['--sandbox', name, 'solve', lesson, '--yes', '--route', 'busybox'], area.env)});
		}

		return {name, runs};
	}));
	const wall = Date.now() - started;
	t.log(`${sandboxCount} sandboxes × ${courseLessons.length} lessons: ${(wall / 1000).toFixed(1)} s wall`);
	for (const {name, runs} of solved) {
		for (const {lesson, run} of runs) {
			t.is(run.status, 0, `${name}: solve ${lesson}:\n${run.stdout.slice(-4000)}${run.stderr}`);
		}
	}

	const verified = await Promise.all(names.map(async name => ({name, run: await rootcamp(['--sandbox', name, 'verify', '--json'], area.env)})));
	clearInterval(sample);
	for (const {name, run} of verified) {
		const report = JSON.parse(run.stdout) as {rootfs: string; lessons: Array<{id: string; steps: Array<{id: string; status: string; message: string; actual?: string}>}>};
		t.is(report.rootfs, '/ubunturoot', `${name}: inside, the rootfs is the write-up's`);
		const steps = report.lessons.filter(lesson => courseLessons.includes(lesson.id)).flatMap(lesson => lesson.steps.map(step => ({...step, ref: `${lesson.id}/${step.id}`})));
		t.deepEqual(steps.filter(step => step.status === 'fail').map(step => `${step.ref}: ${step.message} (found: ${step.actual})`), [], `${name}: verify finds nothing failing in the lessons solved`);
		// Skipped on the busybox route, as outside a sandbox: the apt steps (the rootfs has no apt-get) and the steps nothing outside the shell can observe.
		t.deepEqual(steps.filter(step => step.status === 'skip' && !/apt|nothing outside the shell can observe/.test(step.message)).map(step => `${step.ref}: ${step.message}`), [], `${name}: nothing else is skipped`);
		t.true(steps.filter(step => step.status === 'pass').length > 40, `${name}: every lesson's steps pass, not only skip`);
	}

	const plain = await rootcamp(['--sandbox', 's1', 'verify', 'copy'], area.env);
	t.regex(plain.stdout, /^sandbox s1; the host's network is untouched$/m, 'verify says which sandbox it checked');
	t.deepEqual([...newLinks], [], 'the host\'s network namespace got no new link during the run');
	t.deepEqual([...newMounts], [], 'the host\'s mount table got no new mount during the run');
	t.false(existsSync('/ubunturoot'), 'the host has no /ubunturoot');

	const list = await rootcamp(['sandbox', 'list'], area.env);
	const records = names.map(name => recordOf(area, name));
	for (const record of records) {
		const cgroup = readFileSync(`/proc/${record.holder}/cgroup`, 'utf8');
		t.regex(cgroup, new RegExp(`^\\d+:pids:/(?:.*/)?rootcamp-sandbox-${record.name}$`, 'm'), `${record.name}: its holder is in its own pids group, as the host reads it`);
		t.regex(list.stdout, new RegExp(`^${record.name}  holder pid ${record.holder}, \\d+ processes, links lo tap0 vethHost, \\d+ mounts, has /ubunturoot; slirp4netns pid \\d+$`, 'm'), `${record.name}: sandbox list shows its holder, its own vethHost and its rootfs`);
	}

	for (const record of records.slice(0, 2)) {
		const [pids] = record.groups.roots;
		t.true(existsSync(join(pids!, 'rootcamp')), `${record.name}: the lesson's group rootcamp is ${pids}/rootcamp on the host`);
	}

	const removed = await removeAll(area);
	const removedBy = ticksSinceBoot();
	for (const {name, run} of removed) {
		t.is(run.status, 0, `${name}: sandbox rm:\n${run.stdout}${run.stderr}`);
		t.notRegex(run.stdout, /^left: /m, `${name}: sandbox rm says nothing is left`);
	}

	for (const record of records) {
		assertGone(t, area, record, removedBy);
	}

	assertNothingLeft(t, othersBefore, area.dir);
});

test.serial('a sandbox whose rootcamp is SIGKILLed mid-step, then sandbox rm: nothing is left', async t => {
	if (!requirePrivileges(t, cannotSandbox())) {
		return;
	}

	t.timeout(5 * 60_000);
	const othersBefore = residue();
	const area = scratch('sandbox-kill');
	t.teardown(async () => {
		await removeAll(area);
		area.remove();
	});
	const copy = await rootcamp(['--sandbox', 'k1', 'solve', 'copy', '--yes', '--route', 'busybox'], area.env);
	t.is(copy.status, 0, copy.stdout + copy.stderr);
	const record = recordOf(area, 'k1');
	const solving = rootcamp(['--sandbox', 'k1', 'solve', 'enter', '--yes', '--route', 'busybox'], area.env);
	// Mid-step: the step's container shell has started inside, and rootcamp is still driving it.
	const inside = () => readdirSync(`/proc/${record.holder}/root/proc`).filter(name => /^\d+$/.test(name));
	const commandOf = (pid: string) => {
		try {
			return readFileSync(`/proc/${record.holder}/root/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
		} catch {
			return '';
		}
	};

	await waitFor(() => inside().some(pid => commandOf(pid).includes('chroot /ubunturoot')), {timeout: 30_000, describe: () => inside().map(pid => `${pid} ${commandOf(pid)}`).join('\n')});
	const engines = processesIn(record).filter(pid => {
		try {
			return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(cli);
		} catch {
			return false;
		}
	});
	t.true(engines.length > 0, 'the rootcamp inside the sandbox is found from the host');
	for (const pid of engines) {
		process.kill(pid, 'SIGKILL');
	}

	const killed = await solving;
	t.not(killed.status, 0, 'the killed solve did not succeed');
	t.true(inside().some(pid => commandOf(pid).includes('chroot /ubunturoot')), 'the step\'s shell outlives the killed rootcamp, inside the sandbox');
	const removal = await rootcamp(['sandbox', 'rm', 'k1'], area.env);
	const removedBy = ticksSinceBoot();
	t.is(removal.status, 0, removal.stdout + removal.stderr);
	t.notRegex(removal.stdout, /^left: /m);
	assertGone(t, area, record, removedBy);
	assertNothingLeft(t, othersBefore, area.dir);
});

test.serial('rootcamp run from a clone in /tmp works in a sandbox, whose /tmp is its own: the clone is bound in at the same path', async t => {
	if (!requirePrivileges(t, cannotSandbox())) {
		return;
	}

	const othersBefore = residue();
	const quickClone = copyCli('/tmp');
	const area = scratch('sandbox-tmp');
	t.teardown(async () => {
		await removeSandboxes(quickClone.cli, area);
		area.remove();
		quickClone.remove();
	});
	const run = await runCli(quickClone.cli, ['--sandbox', 'tmp1', 'solve', 'copy', '--yes', '--route', 'busybox'], area.env);
	t.is(run.status, 0, `${run.stdout}${run.stderr}`);
	const verify = await runCli(quickClone.cli, ['--sandbox', 'tmp1', 'verify', 'copy'], area.env);
	t.is(verify.status, 0, `${verify.stdout}${verify.stderr}`);
	t.regex(verify.stdout, /^sandbox tmp1; the host's network is untouched$/m, 'it ran inside the sandbox');
	const record = recordOf(area, 'tmp1');
	t.not(readlinkSync(`/proc/${record.holder}/ns/mnt`), readlinkSync('/proc/self/ns/mnt'), 'in a mount namespace of its own');
	const clone = dirname(dirname(quickClone.cli));
	t.true(readdirSync(`/proc/${record.holder}/root/tmp`).includes(basename(clone)), 'its own /tmp holds the clone, at the same path');
	const removal = await runCli(quickClone.cli, ['sandbox', 'rm', 'tmp1'], area.env);
	const removedBy = ticksSinceBoot();
	t.is(removal.status, 0, removal.stdout + removal.stderr);
	t.notRegex(removal.stdout, /^left: /m);
	assertGone(t, area, record, removedBy);
	t.true(existsSync(quickClone.cli), 'the clone on the host is untouched by the sandbox\'s end');
	assertNothingLeft(t, othersBefore, area.dir);
});

test.serial('sandbox shell runs the write-up\'s host commands as written, in the sandbox; the host sees none of it', async t => {
	if (!requirePrivileges(t)) {
		return;
	}

	const othersBefore = residue();
	const area = scratch('sandbox-shell');
	t.teardown(async () => {
		await removeAll(area);
		area.remove();
	});
	const commands = [
		'ip link add vethCont type veth peer name vethHost',
		'ip -br link show type veth',
		'echo "pid1=$(cat /proc/1/comm)"',
		'mkdir /ubunturoot && echo made',
		// ip netns add leaves a name file in /run/netns: the sandbox's own /run, not the host's.
		'ip netns add rcnetns && ls /run/netns',
		'exit 7',
	].join('\n');
	const hostNetns = () => (existsSync('/run/netns') ? readdirSync('/run/netns') : []);
	const netnsBefore = hostNetns();
	const shell = await new Promise<Run>(resolve => {
		const child = spawn(process.execPath, [cli, 'sandbox', 'shell', 'sh1'], {env: {...area.env, SHELL: '/bin/sh'}, stdio: ['pipe', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
		});
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		child.on('close', status => {
			resolve({status, stdout, stderr, ms: 0});
		});
		child.stdin.end(`${commands}\n`);
	});
	t.is(shell.status, 7, 'the shell\'s own exit code comes back');
	t.regex(shell.stderr, /sandbox sh1; the host's network is untouched/);
	t.regex(shell.stdout, /^vethHost@vethCont\s/m, 'the veth pair is made inside');
	t.regex(shell.stdout, /^pid1=perl$/m, 'PID 1 is the sandbox\'s holder');
	t.regex(shell.stdout, /^made$/m, '/ubunturoot is made as on a host');
	t.false(existsSync('/ubunturoot'), 'but the host has none');
	t.false(hostLinks().includes('vethHost'), 'and the host\'s network has no vethHost');
	t.regex(shell.stdout, /^rcnetns$/m, 'ip netns add names the namespace in the sandbox\'s /run/netns');
	t.deepEqual(hostNetns(), netnsBefore, 'the host\'s /run/netns gains nothing');
	const record = recordOf(area, 'sh1');
	t.true(existsSync(join(area.paths.state, 'sandboxes/sh1/root/ubunturoot')), 'the sandbox\'s /ubunturoot is in its own folder');
	const removal = await rootcamp(['sandbox', 'rm', 'sh1'], area.env);
	const removedBy = ticksSinceBoot();
	t.is(removal.status, 0, removal.stdout + removal.stderr);
	assertGone(t, area, record, removedBy);
	assertNothingLeft(t, othersBefore, area.dir);
});

test.serial('the app inside a sandbox names it in its header and draws the sandbox, not the host, in its diagram', async t => {
	if (!requirePrivileges(t, spawnSync('sh', ['-c', 'command -v tmux']).status === 0 ? cannotSandbox() : 'tmux is not installed')) {
		return;
	}

	const othersBefore = residue();
	const area = scratch('sandbox-app');
	const tmux = new Tmux(`rootcamp-sandbox-app-${process.pid}`);
	t.teardown(async () => {
		tmux.kill();
		await removeAll(area);
		area.remove();
	});
	const env = `XDG_STATE_HOME=${area.env.XDG_STATE_HOME} XDG_CACHE_HOME=${area.env.XDG_CACHE_HOME} TERM=xterm-256color`;
	// Wide enough for the diagram's own column beside the step.
	tmux.start(`env ${env} ${process.execPath} ${cli} --sandbox app1 --route busybox`, {width: 140, height: 40});
	const list = await tmux.waitFor('app', /Lessons[\s\S]*Copy-paste the target container\s+[✓✗–]{2}/, 30_000);
	t.regex(list, /sandbox app1; the host's network is untouched/, 'the lesson list says which sandbox');
	tmux.press('app', 'Enter');
	const step = await tmux.waitFor('app', /SANDBOX app1[\s\S]*no veth on the sandbox/);
	t.regex(step, /^rootcamp › .*\nsandbox app1; the host's network is untouched\s*\n/m, 'the step header names the sandbox and says the host\'s network is untouched');
	t.regex(step, /its own network; the host's is untouched/, 'the diagram says the host is untouched');
	t.notRegex(step, /HOST/, 'no box is called the host');
	// The learner's second terminal makes the write-up's veth pair: the diagram shows it on the sandbox, the host has none.
	tmux.openShell('box');
	tmux.type('box', `env ${env} ${process.execPath} ${cli} sandbox shell app1`);
	tmux.type('box', 'ip link add vethCont type veth peer name vethHost');
	const drawn = await tmux.waitFor('app', /SANDBOX app1[\s\S]*vethHost DOWN ⇄ vethCont \(sandbox\)/);
	t.regex(drawn, /vethHost DOWN ⇄ vethCont \(sandbox\)/, 'the sandbox\'s veth pair is drawn in the sandbox\'s box');
	t.false(hostLinks().includes('vethHost'), 'and the host\'s network has no vethHost');
	tmux.press('app', 'q');
	tmux.type('box', 'exit');
	const record = recordOf(area, 'app1');
	tmux.kill();
	const removal = await rootcamp(['sandbox', 'rm', 'app1'], area.env);
	const removedBy = ticksSinceBoot();
	t.is(removal.status, 0, removal.stdout + removal.stderr);
	assertGone(t, area, record, removedBy);
	assertNothingLeft(t, othersBefore, area.dir);
});

const hostNetwork = () => ['link', 'addr', 'route', 'rule'].map(what => spawnSync('ip', ['-json', what, 'show'], {encoding: 'utf8'}).stdout).join('\n');

test.serial('the apt lessons pass on the debootstrap route inside a root sandbox, through its user-mode network; the host\'s network is as it was', async t => {
	const missing = ['debootstrap', 'slirp4netns'].filter(tool => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
	if (!requirePrivileges(t, missing.length > 0 ? `${missing.join(' and ')} not installed (scripts/install-deps.sh)` : undefined)) {
		return;
	}

	t.timeout(15 * 60_000);
	const othersBefore = residue();
	const area = scratch('sandbox-apt');
	t.teardown(async () => {
		await removeAll(area);
		area.remove();
	});
	const networkBefore = hostNetwork();
	for (const lesson of ['copy', 'enter', 'network-basic']) {
		const solve = await rootcamp(['--sandbox', 'apt1', 'solve', lesson, '--yes', '--route', 'debootstrap'], area.env);
		t.is(solve.status, 0, `solve ${lesson}:\n${solve.stdout.slice(-3000)}${solve.stderr}`);
		t.log(`solve ${lesson} on debootstrap in a sandbox: ${(solve.ms / 1000).toFixed(1)} s`);
	}

	const verify = await rootcamp(['--sandbox', 'apt1', 'verify', 'network-basic', '--json'], area.env);
	const report = JSON.parse(verify.stdout) as {lessons: Array<{steps: Array<{id: string; status: string; message: string}>}>};
	t.deepEqual(report.lessons[0]!.steps.map(step => `${step.id} ${step.status}`), ['resolv pass', 'apt-update pass', 'apt-install pass'], 'apt-get update and install ran for real, through the sandbox\'s tap0');
	t.is(hostNetwork(), networkBefore, 'the host\'s links, addresses, routes and rules are as they were');
	const record = recordOf(area, 'apt1');
	const removal = await rootcamp(['sandbox', 'rm', 'apt1'], area.env);
	const removedBy = ticksSinceBoot();
	t.is(removal.status, 0, removal.stdout + removal.stderr);
	assertGone(t, area, record, removedBy);
	assertNothingLeft(t, othersBefore, area.dir);
});

/** Why an ordinary user cannot make a user namespace here, or undefined. */
const cannotUserns = (): string | undefined => {
	const read = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8').trim() : undefined);
	if (read('/proc/sys/kernel/unprivileged_userns_clone') === '0') {
		return 'kernel.unprivileged_userns_clone is 0';
	}

	if (read('/proc/sys/kernel/apparmor_restrict_unprivileged_userns') === '1') {
		return 'AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1)';
	}

	return read('/proc/sys/user/max_user_namespaces') === '0' ? 'user.max_user_namespaces is 0' : cannotSandbox();
};

/** The first id above every block in /etc/subuid and /etc/subgid: a test user's block overlaps no one's. */
const freeSubordinateStart = (): number => Math.max(100_000, ...['/etc/subuid', '/etc/subgid'].flatMap(file => (existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [])
	.map(line => line.split(':')).filter(fields => fields.length === 3).map(([, start, count]) => Number(start) + Number(count))));

/**
 * An ordinary user for one test, with no sudo: with a block of 65536 subordinate uids and gids,
 * or with none (useradd adds one by itself where /etc/subuid exists: told not to). Deleted in
 * teardown, with every /etc/subuid and /etc/subgid line of theirs.
 */
const makeUser = (t: ExecutionContext, prefix: string, withRange: boolean) => {
	const user = `${prefix}${process.pid}`;
	t.is(spawnSync('useradd', ['--create-home', '--shell', '/bin/sh', '-K', 'SUB_UID_COUNT=0', '-K', 'SUB_GID_COUNT=0', user]).status, 0, 'useradd');
	const range = withRange ? {start: freeSubordinateStart(), count: 65_536} : undefined;
	t.teardown(() => {
		spawnSync('userdel', ['--remove', user]);
		for (const file of ['/etc/subuid', '/etc/subgid']) {
			const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n') : [];
			if (lines.some(line => line.startsWith(`${user}:`))) {
				writeFileSync(file, lines.filter(line => !line.startsWith(`${user}:`)).join('\n'));
			}
		}
	});
	if (range) {
		const block = `${range.start}-${range.start + range.count - 1}`;
		t.is(spawnSync('usermod', ['--add-subuids', block, '--add-subgids', block, user]).status, 0, 'usermod --add-subuids');
	}

	const uid = Number(spawnSync('id', ['-u', user], {encoding: 'utf8'}).stdout.trim());
	const home = `/home/${user}`;
	const env = {PATH: process.env.PATH, HOME: home, NO_COLOR: '1', LANG: 'C.UTF-8'};
	// As the user: runuser from root asks no password, and the user has no sudo of its own.
	const asUser = async (args: string[]) => rootcamp(args, env, ['runuser', '-u', user, '--']);
	/** `sandbox shell NAME` as the user, `commands` typed on its standard input. */
	const shellAs = async (name: string, commands: string[]): Promise<Run> => new Promise(resolve => {
		const child = spawn('runuser', ['-u', user, '--', process.execPath, cli, 'sandbox', 'shell', name], {env: {...env, SHELL: '/bin/sh'}, stdio: ['pipe', 'pipe', 'pipe']});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk: Buffer) => {
			stdout += chunk.toString();
		});
		child.stderr.on('data', (chunk: Buffer) => {
			stderr += chunk.toString();
		});
		child.on('close', status => {
			resolve({status, stdout, stderr, ms: 0});
		});
		child.stdin.end(`${commands.join('\n')}\n`);
	});
	return {user, uid, home, range, asUser, shellAs};
};

/** A user namespace's map as the kernel keeps it, a `inside outside count` triple per line. */
const idMapOf = (pid: number, kind: 'uid' | 'gid') => readFileSync(`/proc/${pid}/${kind}_map`, 'utf8').trim().split('\n').map(line => line.trim().split(/\s+/).join(' '));

/**
 * What the rootless user solves: the write-up, and the two lessons with steps the kernel refuses
 * in a user namespace (dev's mknod, the limits lesson's control groups).
 */
const rootlessLessons = [...writeUp, 'dev', 'limits'];

/** Why a step may be skipped rootless, by step: each names its real cause. */
const rootlessSkips: Array<[RegExp, RegExp]> = [
	[/^enter\/(path|ps)$|^network-advanced\/(find-pid|inside)$/, /^nothing outside the shell can observe this step/],
	[/^network-basic\/apt-/, /no apt-get \(a busybox rootfs/],
	[/^dev\/nodes$/, /user namespace \(root here is uid \d+ on the host\).*refuses mknod of a device node/],
	[/^limits\//, /user namespace \(root here is uid \d+ on the host\).*no control group it may write.*cgroup v1 hierarchy.*subtree delegated/],
];

test.serial('an ordinary user with no sudo does the write-up\'s four lessons, dev and limits in a rootless sandbox: what the kernel refuses is skipped with its cause; the host is untouched', async t => {
	const noUidmap = ['newuidmap', 'newgidmap'].some(tool => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) ? 'uidmap is not installed (scripts/install-deps.sh)' : undefined;
	if (!requirePrivileges(t, cannotUserns() ?? noUidmap)) {
		return;
	}

	t.timeout(5 * 60_000);
	const othersBefore = residue();
	// With a block of subordinate ids, as useradd gives every new user where uidmap is installed.
	const {user, uid, home, range, asUser, shellAs} = makeUser(t, 'rcless', true);
	t.teardown(async () => {
		await asUser(['sandbox', 'rm', 'r1']);
	});
	t.is(spawnSync('runuser', ['-u', user, '--', 'sudo', '-n', 'true']).status === 0, false, 'the user cannot sudo');
	const doctor = await asUser(['doctor']);
	t.regex(doctor.stdout, new RegExp(`${user}'s /etc/subuid and /etc/subgid blocks \\(65536 uids from ${range!.start}, 65536 gids from ${range!.start}\\) are uids and gids 1 and up inside`), 'doctor says the blocks are used');
	t.regex(doctor.stdout, /the limits lesson is skipped .*; so is the dev lesson's nodes step, on every route, and the debootstrap route cannot run \(mknod is refused in a user namespace\)/, 'doctor says mknod is the dev lesson\'s, on every route, not only debootstrap\'s');
	const linksBefore = new Set(hostLinks());
	const mountsBefore = new Set(hostMounts());
	for (const lesson of rootlessLessons) {
		const solve = await asUser(['--sandbox', 'r1', 'solve', lesson, '--yes', '--route', 'busybox']);
		t.is(solve.status, 0, `solve ${lesson} as ${user}:\n${solve.stdout}${solve.stderr}`);
	}

	const verify = await asUser(['--sandbox', 'r1', 'verify', '--json']);
	const report = JSON.parse(verify.stdout) as {lessons: Array<{id: string; steps: Array<{id: string; status: string; message: string}>}>};
	const steps = report.lessons.filter(lesson => rootlessLessons.includes(lesson.id)).flatMap(lesson => lesson.steps.map(step => ({...step, id: `${lesson.id}/${step.id}`})));
	t.log(steps.map(step => `${step.status.padEnd(4)} ${step.id}${step.status === 'skip' ? `: ${step.message}` : ''}`).join('\n'));
	t.deepEqual(steps.filter(step => step.status === 'fail').map(step => `${step.id}: ${step.message}`), [], 'no step of these lessons fails rootless');
	t.true(steps.filter(step => step.status === 'pass').length >= 12, 'the steps the kernel allows a user ran for real and pass');
	const status = (id: string) => steps.find(step => step.id === id)?.status;
	t.deepEqual(['dev/tmpfs', 'dev/pts'].map(id => status(id)), ['pass', 'pass'], 'a tmpfs and a devpts of its own are allowed in a user namespace, and pass');
	t.deepEqual(['dev/nodes', 'limits/group', 'limits/join', 'limits/pids', 'limits/memory'].map(id => status(id)), Array.from({length: 5}, () => 'skip'), 'mknod and the control groups are skipped');
	for (const step of steps.filter(step => step.status === 'skip')) {
		const cause = rootlessSkips.find(([id]) => id.test(step.id))?.[1];
		t.truthy(cause, `${step.id} is skipped, and nothing here says it may be: ${step.message}`);
		t.regex(step.message, cause ?? /$^/, `${step.id}'s skip names its cause`);
	}

	const record = JSON.parse(readFileSync(join(home, '.local/state/rootcamp/sandboxes/r1/sandbox.json'), 'utf8')) as SandboxRecord;
	t.true(record.rootless, 'the sandbox stands on a user namespace');
	t.deepEqual(record.groups.roots, [], 'and has no control groups of its own');
	t.regex(readFileSync(`/proc/${record.holder}/status`, 'utf8'), new RegExp(`^Uid:\\s+${uid}\\s`, 'm'), 'its holder runs as the user on the host');
	t.deepEqual(idMapOf(record.holder, 'uid'), [`0 ${uid} 1`, `1 ${range!.start} 65536`], 'its uid map: the user is root, the block is 1 and up');
	t.deepEqual(idMapOf(record.holder, 'gid'), [`0 ${uid} 1`, `1 ${range!.start} 65536`].map(line => line.replace(` ${uid} `, ` ${spawnSync('id', ['-g', user], {encoding: 'utf8'}).stdout.trim()} `)), 'its gid map likewise');
	// A chown to another user works inside; on the host the owner is the block's, and the host user cannot empty the folder.
	const chown = await shellAs('r1', ['mkdir /ubunturoot/owned && touch /ubunturoot/owned/f && chown -R 100:100 /ubunturoot/owned && chmod 700 /ubunturoot/owned && echo chowned']);
	t.regex(chown.stdout, /^chowned$/m, `chown to uid 100 inside works:\n${chown.stdout}${chown.stderr}`);
	const owned = join(home, '.local/state/rootcamp/sandboxes/r1/root/ubunturoot/owned');
	t.is(statSync(owned).uid, range!.start + 99, 'uid 100 inside is the block\'s 100th id on the host');
	t.deepEqual(hostLinks().filter(link => !linksBefore.has(link)), [], 'the host\'s network namespace got no link');
	t.deepEqual(hostMounts().filter(mount => !mountsBefore.has(mount) && !mount.includes(' /var/tmp/')), [], 'the host\'s mount table got no mount');
	t.false(existsSync('/ubunturoot'), 'the host has no /ubunturoot');
	const removal = await asUser(['sandbox', 'rm', 'r1']);
	const removedBy = ticksSinceBoot();
	t.is(removal.status, 0, removal.stdout + removal.stderr);
	t.deepEqual(processesIn(record, removedBy), [], 'no process is left in its namespaces');
	t.false(existsSync(join(home, '.local/state/rootcamp/sandboxes/r1')), 'its folder is deleted, by the user, the block\'s files too');
	assertNothingLeft(t, othersBefore, home);
});

test.serial('a user without an /etc/subuid block gets a rootless sandbox that maps them alone', async t => {
	if (!requirePrivileges(t, cannotUserns())) {
		return;
	}

	const othersBefore = residue();
	const {user, uid, home, asUser, shellAs} = makeUser(t, 'rcone', false);
	t.teardown(async () => {
		await asUser(['sandbox', 'rm', 'o1']);
	});
	const doctor = await asUser(['doctor']);
	t.regex(doctor.stdout, new RegExp(`${user} has no /etc/subuid range: only ${user} is mapped \\(to root\\)`), 'doctor says one uid is mapped, and why');
	const shell = await shellAs('o1', ['touch /tmp/x', 'chown 100 /tmp/x && echo chowned || echo refused', 'id -u']);
	t.regex(shell.stdout, /^refused$/m, `uid 100 does not exist inside:\n${shell.stdout}${shell.stderr}`);
	t.regex(shell.stdout, /^0$/m, 'the user is root inside');
	const record = JSON.parse(readFileSync(join(home, '.local/state/rootcamp/sandboxes/o1/sandbox.json'), 'utf8')) as SandboxRecord;
	t.is(record.idMap, undefined, 'the record keeps no block');
	t.deepEqual(idMapOf(record.holder, 'uid'), [`0 ${uid} 1`], 'its uid map is the single line');
	const removal = await asUser(['sandbox', 'rm', 'o1']);
	const removedBy = ticksSinceBoot();
	t.is(removal.status, 0, removal.stdout + removal.stderr);
	t.deepEqual(processesIn(record, removedBy), [], 'no process is left in its namespaces');
	assertNothingLeft(t, othersBefore, home);
});
