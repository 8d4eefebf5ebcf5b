import {spawnSync} from 'node:child_process';
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {readCgroupHierarchy} from '../../src/host/cgroup/cgroup.ts';
import {processesIn, ticksSinceBoot, type SandboxRecord} from '../../src/sandbox/record.ts';
import {assertNothingLeft, requirePrivileges, residue, scratch} from '../helpers/privileged.ts';
import {copyCli, groupsNamed, removeSandboxes, runCli} from './sandbox-cli.ts';

const copy = copyCli();
test.after.always(() => {
	copy.remove();
});

const lessons = ['copy', 'enter', 'network-basic', 'network-advanced', 'layers', 'runtime'];

const hostRunc = () => (existsSync('/run/runc') ? readdirSync('/run/runc').sort() : []);

/** The v1 hierarchies this host mounts, by their controllers as /proc/self/cgroup names them. */
const v1Hierarchies = () => readFileSync('/proc/self/cgroup', 'utf8').split('\n').map(line => line.split(':')).filter(fields => fields.length === 3 && fields[0] !== '0').map(fields => fields[1]!);

/**
 * runc wants every v1 hierarchy (devices above all: "mountpoint for devices not found"). A root
 * sandbox on a cgroup v1 host mounts each as the host has it, rooted at a group of the sandbox's
 * own, so the runtime lesson's runc runs inside, its groups under the sandbox's, and `sandbox
 * rm` takes them all away.
 */
test.serial('a root sandbox on cgroup v1 runs the runtime lesson\'s runc: every hierarchy is mounted on a group of its own, and sandbox rm leaves none', async t => {
	const hierarchy = readCgroupHierarchy();
	if (hierarchy.version !== 'v1') {
		t.log(`this host's pids and memory are not on cgroup v1 (${hierarchy.version}): nothing to prove here`);
		t.pass();
		return;
	}

	const cannot = ['runc', 'capsh', 'busybox'].find(tool => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
	if (!requirePrivileges(t, cannot ? `${cannot} is not installed` : undefined)) {
		return;
	}

	t.timeout(15 * 60_000);
	const othersBefore = residue();
	const runcBefore = hostRunc();
	const area = scratch('sandbox-runtime');
	t.teardown(async () => {
		await removeSandboxes(copy.cli, area);
		area.remove();
	});
	const name = 'rt1';
	for (const lesson of lessons) {
		const solve = await runCli(copy.cli, ['--sandbox', name, 'solve', lesson, '--yes', '--route', 'busybox'], area.env);
		t.is(solve.status, 0, `solve ${lesson}:\n${solve.stdout.slice(-3000)}${solve.stderr}`);
	}

	const verify = await runCli(copy.cli, ['--sandbox', name, 'verify', 'runtime', '--json'], area.env);
	const report = JSON.parse(verify.stdout) as {lessons: Array<{steps: Array<{id: string; status: string; message: string}>}>};
	t.deepEqual(report.lessons[0]!.steps.filter(step => step.status !== 'pass').map(step => `${step.id} ${step.status}: ${step.message}`), [], 'verify runtime passes inside, every step');
	const inside = await runCli(copy.cli, ['sandbox', 'shell', name], {...area.env, SHELL: '/bin/sh'}, ['sh', '-c', String.raw`printf "%s\n" "runc list -q" "cat /proc/self/cgroup" | "$@"`, 'sh']);
	t.regex(inside.stdout, /^rootcamp$/m, 'runc lists its container inside');
	const record = JSON.parse(readFileSync(join(area.paths.state, 'sandboxes', name, 'sandbox.json'), 'utf8')) as SandboxRecord;
	t.is(record.groups.mounts.filter(mount => mount.version === 'v1').length, v1Hierarchies().length, 'the sandbox mounts every v1 hierarchy the host has');
	for (const controllers of v1Hierarchies()) {
		t.regex(inside.stdout, new RegExp(`^\\d+:${controllers}:/$`, 'm'), `inside, a shell's ${controllers} group is its hierarchy's root`);
		t.regex(readFileSync(`/proc/${record.holder}/cgroup`, 'utf8'), new RegExp(`^\\d+:${controllers}:/(?:.*/)?rootcamp-sandbox-${name}$`, 'm'), `on the host, the holder's ${controllers} group is the sandbox's`);
	}

	t.true(record.groups.roots.every(root => existsSync(join(root, 'runc-rootcamp'))), 'runc\'s /runc-rootcamp is under the sandbox\'s group in every hierarchy');
	t.deepEqual(hostRunc(), runcBefore, 'the host\'s /run/runc knows no container of the sandbox');
	const removal = await runCli(copy.cli, ['sandbox', 'rm', name], area.env);
	const removedBy = ticksSinceBoot();
	t.is(removal.status, 0, removal.stdout + removal.stderr);
	t.notRegex(removal.stdout, /^left: /m, 'sandbox rm says nothing is left');
	t.deepEqual(processesIn(record, removedBy), [], 'no process is left in its namespaces, runc\'s container\'s included');
	t.deepEqual(groupsNamed(name), [], 'no group of the sandbox is left under any hierarchy');
	t.deepEqual(hostRunc(), runcBefore, 'the host\'s /run/runc is as it was');
	assertNothingLeft(t, othersBefore, area.dir);
});
