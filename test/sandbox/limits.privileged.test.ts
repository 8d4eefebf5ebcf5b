import {existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {readCgroupHierarchy} from '../../src/host/cgroup/cgroup.ts';
import type {SandboxRecord} from '../../src/sandbox/record.ts';
import {assertNothingLeft, requirePrivileges, residue, scratch} from '../helpers/privileged.ts';
import {copyCli, groupsNamed, removeSandboxes, runCli} from './sandbox-cli.ts';

const copy = copyCli();
test.after.always(() => {
	copy.remove();
});

const hierarchy = readCgroupHierarchy();
const listed = (file: string) => readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean);

/**
 * On v2, where the maker runs as on a systemd host: a scope holding its process, in a slice that
 * hands down pids and memory, under a root that does too. Returns the command prefix that runs
 * rootcamp in the scope, and undoes it all (the root's subtree_control too) in teardown.
 */
const systemdLikeScope = (t: ExecutionContext, v2: string): string[] => {
	const before = listed(join(v2, 'cgroup.subtree_control'));
	const slice = join(v2, `rootcamp-test-${process.pid}.slice`);
	const scope = join(slice, 'session.scope');
	writeFileSync(join(v2, 'cgroup.subtree_control'), '+pids +memory');
	mkdirSync(scope, {recursive: true});
	writeFileSync(join(slice, 'cgroup.subtree_control'), '+pids +memory');
	t.teardown(() => {
		for (const dir of [scope, slice]) {
			try {
				rmdirSync(dir);
			} catch {}
		}

		const added = ['pids', 'memory'].filter(controller => !before.includes(controller));
		if (added.length > 0) {
			try {
				writeFileSync(join(v2, 'cgroup.subtree_control'), added.map(controller => `-${controller}`).join(' '));
			} catch {}
		}
	});
	return ['sh', '-c', `echo $$ > ${scope}/cgroup.procs && exec "$@"`, 'sh'];
};

/**
 * The limits lesson inside a root sandbox, on the busybox route (offline: the cgroup v2 guest
 * has no network, and the sandbox does without its slirp4netns). On v2 the lesson's `echo +pids
 * +memory` goes to the sandbox's root group, which must hold no process (only the real root is
 * exempt): the holder and all that enter live in its leaf `init`, and `unshare`, which waits
 * outside, is never in it. rootcamp is run from a systemd-like session scope, whose group may
 * hand nothing down: the sandbox's root goes under the slice. `npm run test:cgroup-v2` runs this.
 */
test.serial(`the limits lesson passes inside a root sandbox on this host's control groups (${hierarchy.version}); sandbox rm leaves no group`, async t => {
	if (!requirePrivileges(t, hierarchy.version === 'none' ? `no usable control groups: ${hierarchy.reason}` : (existsSync('/bin/busybox') ? undefined : 'busybox-static is not installed'))) {
		return;
	}

	t.timeout(10 * 60_000);
	const othersBefore = residue();
	const area = scratch('sandbox-limits');
	t.teardown(async () => {
		await removeSandboxes(copy.cli, area);
		area.remove();
	});
	const v2 = hierarchy.version === 'v2' ? hierarchy.roots.pids : undefined;
	const prefix = v2 ? systemdLikeScope(t, v2) : [];
	const name = 'lim1';
	for (const lesson of ['copy', 'enter', 'limits']) {
		const solve = await runCli(copy.cli, ['--sandbox', name, 'solve', lesson, '--yes', '--route', 'busybox'], area.env, prefix);
		t.is(solve.status, 0, `solve ${lesson}:\n${solve.stdout.slice(-3000)}${solve.stderr}`);
	}

	const verify = await runCli(copy.cli, ['--sandbox', name, 'verify', 'limits', '--json'], area.env, prefix);
	const report = JSON.parse(verify.stdout) as {lessons: Array<{steps: Array<{id: string; status: string; message: string}>}>};
	t.deepEqual(report.lessons[0]!.steps.map(step => `${step.id} ${step.status}${step.status === 'pass' ? '' : `: ${step.message}`}`), ['group pass', 'join pass', 'pids pass', 'memory pass'], 'verify limits passes inside, every step');
	const record = JSON.parse(readFileSync(join(area.paths.state, 'sandboxes', name, 'sandbox.json'), 'utf8')) as SandboxRecord;
	if (v2) {
		const [root] = record.groups.roots;
		t.is(root, join(v2, `rootcamp-test-${process.pid}.slice`, `rootcamp-sandbox-${name}`), 'the sandbox\'s root is in the slice, not in the maker\'s scope');
		t.deepEqual(listed(join(root!, 'cgroup.procs')), [], 'its root group holds no process');
		t.deepEqual(['pids', 'memory'].filter(controller => listed(join(root!, 'cgroup.subtree_control')).includes(controller)), ['pids', 'memory'], 'and hands pids and memory down, as the lesson asked');
		t.regex(readFileSync(`/proc/${record.holder}/cgroup`, 'utf8'), new RegExp(`^0::/.*/rootcamp-sandbox-${name}/init$`, 'm'), 'the holder lives in the leaf init');
	}

	t.true(record.groups.roots.some(root => existsSync(join(root, 'rootcamp'))), 'the lesson\'s group rootcamp is under the sandbox\'s on the host');
	const removal = await runCli(copy.cli, ['sandbox', 'rm', name], area.env);
	t.is(removal.status, 0, removal.stdout + removal.stderr);
	t.notRegex(removal.stdout, /^left: /m, 'sandbox rm says nothing is left');
	t.deepEqual(groupsNamed(name), [], 'no group of the sandbox is left');
	assertNothingLeft(t, othersBefore, area.dir);
});
