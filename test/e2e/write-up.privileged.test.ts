import {readFileSync} from 'node:fs';
import {spawnSync} from 'node:child_process';
import test from 'ava';
import {openWorkshop} from '../../src/workshop/workshop.ts';
import {cli, requirePrivileges, residue, scratch} from '../helpers/privileged.ts';
import {Tmux} from './tmux.ts';

/**
 * The write-up as written: its own commands, typed in its order into real terminals, and each
 * of its observable steps passes. Only the paths are the test's (a scratch rootfs, not
 * /ubunturoot), `<host_os_resolv_ip>` is the host's real resolver, and the PID is the one
 * `ps axjf` shows. There is no Docker engine here, so the tarball comes from the busybox
 * route's block instead of `docker export`; apt is not applicable to a busybox rootfs.
 */

type StepJson = {id: string; status: string; message: string; checks: Array<{status: string; advice?: true}>};
type ReportJson = {lessons: Array<{id: string; steps: StepJson[]}>; summary: {fail: number}};

const missing = () => (spawnSync('sh', ['-c', 'command -v tmux && command -v busybox']).status === 0 ? undefined : 'tmux or busybox-static is not installed');

/** The host's own resolver, as a learner finds it: the first nameserver line of /etc/resolv.conf. */
const hostResolver = () => /^nameserver\s+(\S+)/m.exec(readFileSync('/etc/resolv.conf', 'utf8'))?.[1] ?? '192.0.2.53';

test.serial('typing the write-up\'s own commands in its order passes each of its observable steps', async t => {
	if (!requirePrivileges(t, missing())) {
		return;
	}

	const area = scratch('write-up');
	const tmux = new Tmux(`rootcamp-write-up-${process.pid}`);
	const verify = (ref: string) => spawnSync(process.execPath, [cli, 'verify', ref, '--json', '--rootfs', area.rootfs, '--route', 'busybox'], {env: area.env, encoding: 'utf8'});
	t.teardown(() => {
		tmux.kill();
		spawnSync('ip', ['link', 'del', 'vethHost']);
		spawnSync(process.execPath, [cli, 'reset', '--purge', '--yes', '--rootfs', area.rootfs], {env: area.env});
		area.remove();
	});

	const engine = await openWorkshop({rootfs: area.rootfs, route: 'busybox', paths: area.paths});
	const variables = engine.staticVariables();
	const shells = ['host', 'box', 'box2'] as const;
	tmux.start('bash --norc --noprofile', {width: 160, height: 50});
	spawnSync('tmux', ['rename-window', '-t', `${tmux.session}:app`, 'host']);
	tmux.openShell('box');
	tmux.openShell('box2');

	/** Types the write-up's lines, then waits until `rootcamp verify` says what the step is now. */
	const step = async (ref: string, window: (typeof shells)[number], lines: string[], expected: 'pass' | 'skip') => {
		for (const text of lines) {
			tmux.type(window, text);
		}

		const deadline = Date.now() + 20_000;
		let last: StepJson | undefined;
		while (Date.now() < deadline) {
			const [lesson, id] = ref.split('/');
			last = (JSON.parse(verify(ref).stdout) as ReportJson).lessons.find(candidate => candidate.id === lesson)?.steps.find(candidate => candidate.id === id);
			if (last?.status === expected) {
				break;
			}

			await new Promise(resolve => setTimeout(resolve, 150));
		}

		t.is(last?.status, expected, `${ref} after the write-up's own commands: ${last?.message}\n${tmux.screen(window)}`);
	};

	// Copy-paste the target container: the busybox route stands in for `docker export`.
	const exportBlock = engine.commandsFor({lesson: 'copy', step: 'export'}, await engine.variables())[0]!;
	await step('copy/export', 'host', exportBlock.text.split('\n'), 'pass');
	await step('copy/unpack', 'host', [
		`cd ${variables.workdir}`,
		`mkdir -v ${area.rootfs}`,
		`cp ubuntu_root.tar ${area.rootfs}/`,
		`cd ${area.rootfs}`,
		'tar -xvf ubuntu_root.tar',
	], 'pass');

	// Enter back in.
	await step('enter/chroot', 'box', [`unshare --fork --pid --mount-proc chroot ${area.rootfs} /bin/bash`], 'pass');
	await step('enter/path', 'box', ['export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], 'skip');
	await step('enter/ps', 'box', ['ps aux'], 'skip');
	await step('enter/proc', 'box', ['mkdir -v /proc', 'mount -t proc proc /proc'], 'pass');
	await step('enter/tmp', 'box', ['mkdir -v /tmp', 'chmod 777 /tmp', 'chmod +t /tmp'], 'pass');

	// Add basic networking: apt is not applicable to a busybox rootfs, so those two skip.
	await step('network-basic/resolv', 'box', [`echo "nameserver ${hostResolver()}" > /etc/resolv.conf`], 'pass');
	await step('network-basic/apt-update', 'box', ['apt-get update'], 'skip');
	await step('network-basic/apt-install', 'box', ['apt-get install -y iproute2 vim'], 'skip');

	// Advanced networking: a second terminal, as the write-up starts "a bit differently"; it never remounts /proc.
	await step('network-advanced/netns', 'box2', [`unshare --net --fork --pid --mount-proc chroot ${area.rootfs} /bin/bash`], 'pass');
	await step('network-advanced/veth', 'host', ['ip link add vethCont type veth peer name vethHost'], 'pass');
	await step('network-advanced/up', 'host', ['ip link set vethCont up', 'ip link set vethHost up'], 'pass');
	await step('network-advanced/find-pid', 'host', ['clear; ps axjf'], 'skip');
	// The PID as the write-up finds it: the line under `unshare --net` in ps axjf's tree.
	const tree = await tmux.waitFor('host', /unshare --net[^\n]*\n[^\n]*\/bin\/(?:ba)?sh/);
	const pid = /unshare --net[^\n]*\n\s*\d+\s+(\d+)/.exec(tree)?.[1];
	t.truthy(pid, 'ps axjf shows the shell under unshare --net');
	await step('network-advanced/move', 'host', [`ip link set vethCont netns ${pid}`], 'pass');
	await step('network-advanced/inside', 'box2', ['ip a'], 'skip');
	await tmux.waitFor('box2', /vethCont@/);

	const final = JSON.parse(verify('network-advanced').stdout) as ReportJson;
	t.is(final.summary.fail, 0, 'the write-up\'s last lesson passes as a whole');
	const advised = final.lessons[0]!.steps.flatMap(candidate => candidate.checks.filter(check => check.advice && check.status === 'fail').map(() => candidate.id));
	t.deepEqual(advised, ['netns', 'inside'], 'what rootcamp adds (/proc again, vethCont up inside) is advice, shown and not failed');

	for (const window of ['box2', 'box'] as const) {
		tmux.type(window, 'exit');
	}

	spawnSync(process.execPath, [cli, 'reset', '--purge', '--yes', '--rootfs', area.rootfs], {env: area.env});
	t.is(residue().split('\n').filter(line => line.includes(area.dir) || /veth(?:Host|Cont)/.test(line)).join('\n'), '', 'nothing of this test is left');
});
