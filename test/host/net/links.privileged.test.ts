import {execFile, spawn} from 'node:child_process';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {promisify} from 'node:util';
import test, {type ExecutionContext} from 'ava';
import {evaluateCheck} from '../../../src/check/evaluate.ts';
import {findContainer} from '../../../src/host/proc/container.ts';
import {readMountinfo} from '../../../src/host/proc/mountinfo.ts';
import {readNetwork} from '../../../src/host/net/net-facts.ts';
import {createProbes} from '../../../src/host/probes.ts';
import type {ContainerInfo} from '../../../src/host/types.ts';
import {describeChanges} from '../../../src/workshop/diff.ts';
import {takeSnapshot} from '../../../src/workshop/snapshot.ts';
import {checkLine} from '../../helpers/check-line.ts';

const run = promisify(execFile);

/** Why this host cannot run these tests, or undefined when it can. */
async function cannotRun(): Promise<string | undefined> {
	if (process.getuid?.() !== 0) {
		return 'not root: creating namespaces and veth pairs needs root';
	}

	try {
		await run('unshare', ['--version']);
	} catch {
		return '`unshare` (util-linux) is not installed';
	}

	return undefined;
}

const reason = await cannotRun();
if (reason !== undefined && !process.env.CI) {
	console.warn(`links.privileged: skipped: ${reason}`);
}

const suffix = process.pid % 10_000;

/** Registers the privileged test, or says why it cannot run: skipped locally, failed under CI. */
function privileged(title: string, body: (t: ExecutionContext) => Promise<void>): void {
	if (reason === undefined) {
		test.serial(title, body);
	} else if (process.env.CI) {
		test.serial(title, t => {
			t.fail(`CI must run privileged tests, but ${reason}`);
		});
	} else {
		test.skip(`${title} (skipped: ${reason})`, () => undefined);
	}
}

/**
 * Starts a container the way the write-up does, but on a bind mount of `/` (there is no rootfs to hand):
 * its own net, pid and mount namespaces, chrooted, sleeping. Everything is undone when the test ends.
 */
async function startContainer(t: ExecutionContext): Promise<{rootfs: string; container: ContainerInfo}> {
	const rootfs = await mkdtemp(join(tmpdir(), 'rootcamp-priv-'));
	t.teardown(async () => rm(rootfs, {recursive: true, force: true}));
	// The bind mount lives only in the private mount namespace: it disappears with the namespace.
	const child = spawn('unshare', ['--net', '--fork', '--pid', '--mount', '--propagation', 'private', '--kill-child', 'sh', '-c', 'mount --bind / "$0" && exec chroot "$0" sleep 60', rootfs], {stdio: 'ignore'});
	const exited = new Promise(resolve => {
		child.once('exit', resolve);
	});
	let container: ContainerInfo | null = null;
	t.teardown(async () => {
		// SIGKILL the namespace's PID 1 by its PID, and the unshare parent; then wait so the rootfs is free.
		for (const pid of [container?.pid, child.pid]) {
			try {
				if (pid !== undefined) {
					process.kill(pid, 'SIGKILL');
				}
			} catch {}
		}

		await exited;
	});
	// Until `sleep` runs: between its chroot() and its exec, the process is already rooted in the
	// rootfs but still called chroot.
	const deadline = Date.now() + 10_000;
	const started = () => container?.command.startsWith('sleep') ?? false;
	while (!started() && Date.now() < deadline && child.exitCode === null) {
		container = await findContainer(rootfs);
		if (!started()) {
			await new Promise(resolve => setImmediate(resolve));
		}
	}

	if (container === null || !started()) {
		throw new Error(`the container did not start (unshare exit code ${child.exitCode})`);
	}

	return {rootfs, container};
}

/** Creates a veth pair with names unique to this test run; deleted when the test ends. */
async function createPair(t: ExecutionContext, tag: string): Promise<[string, string]> {
	const names: [string, string] = [`rcT${suffix}${tag}a`, `rcT${suffix}${tag}b`];
	await run('ip', ['link', 'add', names[0], 'type', 'veth', 'peer', 'name', names[1]]);
	t.teardown(async () => {
		// Deleting either end deletes both; the pair may already be gone with the namespace.
		await run('ip', ['link', 'del', names[1]]).catch(() => undefined);
		await run('ip', ['link', 'del', names[0]]).catch(() => undefined);
	});
	return names;
}

privileged('a veth end moved into the container is seen on both sides, checked and described', async t => {
	const {rootfs, container} = await startContainer(t);
	t.like(container, {own: ['pid', 'mnt', 'net'], root: rootfs});
	t.true(container.command.startsWith('sleep'));
	t.true((await readMountinfo(container.pid)).some(mount => mount.target === '/'));

	const [inside, outside] = await createPair(t, 'm');
	await run('ip', ['link', 'set', inside, 'up']);
	await run('ip', ['link', 'set', outside, 'up']);
	const watched = [join(rootfs, 'tmp')];
	const before = await takeSnapshot(createProbes({rootfs}), watched);
	await run('ip', ['link', 'set', inside, 'netns', String(container.pid)]);

	// One process reads both sides.
	const round = await readNetwork(async () => container.pid);
	if (round.container === undefined || round.container instanceof Error) {
		throw round.container ?? new Error('no container side in the round');
	}

	const {links: host} = round.host;
	const {links: cont, hostname} = round.container;
	t.is(hostname, (await run('uname', ['-n'])).stdout.trim(), 'the container shares the host\'s UTS namespace here');
	const hostEnd = host.find(link => link.name === outside);
	const contEnd = cont.find(link => link.name === inside);
	t.false(host.some(link => link.name === inside));
	t.like(hostEnd, {kind: 'veth', peerElsewhere: true, up: true, peerIndex: contEnd?.index});
	t.like(contEnd, {kind: 'veth', peerElsewhere: true, up: false, peerIndex: hostEnd?.index});

	const probes = createProbes({rootfs});
	const status = async (line: string) => (await evaluateCheck(checkLine(line), probes)).status;
	t.is(await status('container own=pid,mnt,net'), 'pass');
	t.is(await status(`link ${inside} in=container kind=veth peer=${outside}`), 'pass');
	t.is(await status(`link ${inside} in=container up`), 'fail');
	t.is(await status(`link ${outside} in=host kind=veth peer=${inside} up`), 'pass');
	t.is(await status(`link ${inside} in=host absent`), 'pass');
	t.is(await status('command container "echo $$; readlink /proc/self/ns/net >/dev/null 2>&1; echo inside" output=^inside$'), 'pass');

	const after = await takeSnapshot(createProbes({rootfs}), watched);
	const changes = describeChanges(before, after, {rootfs}).map(change => `${change.sign} ${change.text}`);
	t.true(changes.includes(`~ ${inside} moved: host → container netns (pid ${container.pid}), now DOWN`), changes.join('\n'));
});

privileged('a link left on the host names the container\'s real pid', async t => {
	const {rootfs, container} = await startContainer(t);
	const [inside] = await createPair(t, 'w');
	// The write-up's trap, `ip link set vethCont netns 1`, leaves the link where it was: on the host.
	const result = await evaluateCheck(checkLine(`link ${inside} in=container kind=veth`), createProbes({rootfs}));
	t.is(result.status, 'fail');
	t.regex(result.message, new RegExp(`still on the host.*wrong PID.*ip link set ${inside} netns ${container.pid}$`));
});
