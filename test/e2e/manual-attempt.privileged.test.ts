import {spawn, spawnSync, type ChildProcess} from 'node:child_process';
import {readFileSync} from 'node:fs';
import test from 'ava';
import {cli, requirePrivileges, residue, scratch} from '../helpers/privileged.ts';

type StepJson = {id: string; status: string; message: string; expected?: string; actual?: string; checks: Array<{status: string; message: string; advice?: true}>};
type ReportJson = {lessons: Array<{id: string; steps: StepJson[]}>; container: {pid: number} | null};

const rootcamp = (args: string[], env: NodeJS.ProcessEnv) =>
	spawnSync(process.execPath, [cli, ...args], {env, encoding: 'utf8', timeout: 120_000});

const stepOf = (report: ReportJson, lesson: string, step: string) =>
	report.lessons.find(candidate => candidate.id === lesson)!.steps.find(candidate => candidate.id === step)!;

const adviceOf = (step: StepJson) => step.checks.find(check => check.advice);

/** Polls `rootcamp verify --json` until a step has the wanted status (and advice status): a condition, not a guessed sleep. */
const waitForStep = async (env: NodeJS.ProcessEnv, rootfs: string, lesson: string, step: string, status: string, advice?: string): Promise<StepJson> => {
	const deadline = Date.now() + 10_000;
	let last: StepJson | undefined;
	while (Date.now() < deadline) {
		const run = rootcamp(['verify', `${lesson}/${step}`, '--json', '--rootfs', rootfs], env);
		last = stepOf(JSON.parse(run.stdout) as ReportJson, lesson, step);
		if (last.status === status && (advice === undefined || adviceOf(last)?.status === advice)) {
			return last;
		}

		await new Promise(resolve => setTimeout(resolve, 100));
	}

	throw new Error(`${lesson}/${step} never became ${status}${advice ? ` with its advice ${advice}` : ''}: ${JSON.stringify(last)}`);
};

/** The learner's second terminal: a shell typed into through its stdin. */
const learnerShell = (command: string[]): ChildProcess =>
	spawn(command[0]!, command.slice(1), {stdio: ['pipe', 'ignore', 'ignore'], detached: true});

/** The host PID of the bash under an unshare process, found as the write-up says (ps axjf: the child of unshare). */
const shellUnder = async (unsharePid: number): Promise<number> => {
	const deadline = Date.now() + 5000;
	while (Date.now() < deadline) {
		const tree = spawnSync('ps', ['-o', 'pid=', '--ppid', String(unsharePid)], {encoding: 'utf8'}).stdout.trim();
		if (tree) {
			return Number(tree.split('\n')[0]);
		}

		await new Promise(resolve => setTimeout(resolve, 20));
	}

	throw new Error(`no shell under unshare ${unsharePid}`);
};

const killShell = (pid: number | undefined) => {
	if (pid) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {}
	}
};

test.serial('verify judges an attempt made by hand, and names the mistakes of a wrong one', async t => {
	if (!requirePrivileges(t)) {
		return;
	}

	const area = scratch('manual');
	const shells: number[] = [];
	t.teardown(() => {
		for (const pid of shells) {
			killShell(pid);
		}

		spawnSync('ip', ['link', 'del', 'vethHost']);
		rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
		area.remove();
	});

	const copy = rootcamp(['solve', 'copy', '--yes', '--route', 'busybox', '--rootfs', area.rootfs], area.env);
	t.is(copy.status, 0, copy.stdout + copy.stderr);

	// Enter back in, typed into the learner's own shell.
	const first = learnerShell(['unshare', '--fork', '--pid', '--mount-proc', 'chroot', area.rootfs, '/bin/bash']);
	shells.push(first.pid!, await shellUnder(first.pid!));
	const chroot = await waitForStep(area.env, area.rootfs, 'enter', 'chroot', 'pass');
	t.is(chroot.status, 'pass');

	const noProc = stepOf(JSON.parse(rootcamp(['verify', 'enter', '--json', '--rootfs', area.rootfs], area.env).stdout) as ReportJson, 'enter', 'proc');
	t.is(noProc.status, 'fail');
	t.regex(noProc.message, /mount -t proc proc \/proc/, 'a missing /proc says how to mount it');

	first.stdin!.write('export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nmkdir -v /proc\nmount -t proc proc /proc\nmkdir -v /tmp\nchmod 777 /tmp\n');
	await waitForStep(area.env, area.rootfs, 'enter', 'proc', 'pass');
	const noSticky = await waitForStep(area.env, area.rootfs, 'enter', 'tmp', 'fail');
	t.regex(`${noSticky.expected} ${noSticky.actual}`, /1777.*0777|0777.*1777/, 'tmp without the sticky bit shows 1777 against 0777');
	first.stdin!.write('chmod +t /tmp\n');
	await waitForStep(area.env, area.rootfs, 'enter', 'tmp', 'pass');

	// A resolv.conf that is a dangling symlink to a stub resolver is caught.
	first.stdin!.write('rm -f /etc/resolv.conf; ln -s ../run/systemd/resolve/stub-resolv.conf /etc/resolv.conf\n');
	const dangling = await waitForStep(area.env, area.rootfs, 'network-basic', 'resolv', 'fail');
	t.regex(dangling.message, /symlink/i);
	// A loopback stub does the write-up's job while the container shares the host's network: advice, not a failure.
	first.stdin!.write('rm -f /etc/resolv.conf; echo "nameserver 127.0.0.53" > /etc/resolv.conf\n');
	const stub = await waitForStep(area.env, area.rootfs, 'network-basic', 'resolv', 'pass', 'fail');
	t.regex(`${adviceOf(stub)?.message}`, /127\.0\.0\.53/, 'rootcamp advises against the stub, naming it');

	// Advanced networking: the first shell exits, the learner starts a second with --net.
	first.stdin!.end('exit\n');
	const second = learnerShell(['unshare', '--net', '--fork', '--pid', '--mount-proc', 'chroot', area.rootfs, '/bin/bash']);
	const pid = await shellUnder(second.pid!);
	shells.push(second.pid!, pid);
	// The write-up never mounts /proc in this container: the step passes, remounting it is advice.
	await waitForStep(area.env, area.rootfs, 'network-advanced', 'netns', 'pass', 'fail');
	second.stdin!.write('mount -t proc proc /proc\n');
	await waitForStep(area.env, area.rootfs, 'network-advanced', 'netns', 'pass', 'pass');

	for (const command of ['ip link add vethCont type veth peer name vethHost', 'ip link set vethCont up', 'ip link set vethHost up']) {
		t.is(spawnSync('sh', ['-c', command]).status, 0, command);
	}

	await waitForStep(area.env, area.rootfs, 'network-advanced', 'up', 'pass');

	// The write-up's trap: `echo $$` inside says 1, and netns 1 leaves the link on the host.
	t.is(spawnSync('ip', ['link', 'set', 'vethCont', 'netns', '1']).status, 0, 'the kernel accepts netns 1 silently');
	const wrong = await waitForStep(area.env, area.rootfs, 'network-advanced', 'move', 'fail');
	t.regex(wrong.message, /host/);
	t.regex(wrong.message, new RegExp(String(pid)), 'the message names the container shell\'s real PID');

	t.is(spawnSync('ip', ['link', 'set', 'vethCont', 'netns', String(pid)]).status, 0);
	await waitForStep(area.env, area.rootfs, 'network-advanced', 'move', 'pass');
	// The write-up's `ip a` only looks: the step skips, and bringing vethCont up is rootcamp's advice.
	const down = await waitForStep(area.env, area.rootfs, 'network-advanced', 'inside', 'skip', 'fail');
	t.regex(down.message, /nothing outside the shell can observe/);
	t.regex(`${adviceOf(down)?.message}`, /DOWN|down/);
	second.stdin!.write('ip link set vethCont up\n');
	await waitForStep(area.env, area.rootfs, 'network-advanced', 'inside', 'skip', 'pass');

	// reset never touches what the learner made by hand: it says so instead.
	const reset = rootcamp(['reset', '--yes', '--rootfs', area.rootfs], area.env);
	t.is(reset.status, 0);
	t.regex(reset.stdout, new RegExp(`rootcamp did not start still runs \\(pid ${pid}\\)`));
	t.notThrows(() => readFileSync(`/proc/${pid}/stat`), 'the learner\'s shell is still alive');

	second.stdin!.end('exit\n');
	killShell(pid);
	killShell(second.pid);
	await new Promise<void>(resolve => {
		second.once('exit', () => {
			resolve();
		});
	});
	const purge = rootcamp(['reset', '--purge', '--yes', '--rootfs', area.rootfs], area.env);
	t.is(purge.status, 0, purge.stderr);
	t.is(residue(), '', 'nothing is left on the host');
});
