import {spawn, spawnSync} from 'node:child_process';
import {chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, rmdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {groupDirs, readCgroupHierarchy, readSubtreeControl} from '../../src/host/cgroup/cgroup.ts';
import {parseAnswer} from '../../src/host/faas/answer.ts';
import {ask, holdConcurrent, watchLimit} from '../../src/host/faas/requests.ts';
import {childGroups, processesRootedUnder} from '../../src/host/faas/residue.ts';
import {loadCourse} from '../../src/lesson/load.ts';
import {fillKnownVariables} from '../../src/lesson/variables.ts';
import {repo, requirePrivileges, scratch} from '../helpers/privileged.ts';
import {waitFor} from '../helpers/wait-for.ts';

/** The text a block writes with `cat > {{workdir}}/faas/FILE <<'EOF'`, as the lesson has it. */
const heredoc = (text: string, file: string) => new RegExp(`cat > {{workdir}}/faas/${file}(?:\\.new)? <<'EOF'\\n([\\s\\S]*?)\\nEOF\\n`).exec(text)?.[1];

/** Why this host cannot run the handler, or undefined. */
const cannotServe = (version: string): string | undefined => {
	if (version === 'none') {
		return 'no usable control groups';
	}

	if (spawnSync('sh', ['-c', 'command -v socat']).status !== 0) {
		return 'socat is not installed';
	}

	return existsSync('/bin/busybox') ? undefined : 'busybox-static is not installed';
};

/**
 * The faas lesson's last handler, for this host's kind of control group hierarchy, on the real
 * kernel: without the write-up's lessons around it, so the cgroup v2 guest (`npm run
 * test:cgroup-v2`) runs it too. The lesson's own function and the limits step's block for this
 * hierarchy (its `mkdir` of the group, its handler), a socat as the service step starts it; then
 * two requests at once, a fork bomb, a memory hog and a request after them, and nothing left.
 */
test.serial('the faas lesson\'s handler: isolated, limited and clean requests on this host\'s cgroups', async t => {
	const hierarchy = readCgroupHierarchy();
	if (!requirePrivileges(t, cannotServe(hierarchy.version)) || hierarchy.version === 'none' || hierarchy.base === undefined) {
		return;
	}

	t.timeout(3 * 60_000);
	const groups = [...new Set(Object.values(groupDirs(hierarchy, 'faas')))];
	await waitFor(() => groups.every(group => !existsSync(group)), {timeout: 5 * 60_000, describe: () => 'another faas lesson on this host holds the control group faas'});
	const area = scratch('faas-handler');
	// On a tmpfs of its own: an overlay's upper directory cannot be on an overlay, and the cgroup v2
	// guest's /var/tmp is one.
	const top = join(area.dir, 'tmpfs');
	mkdirSync(top);
	const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256m,mode=0700', 'rootcamp-faas-test', top], {encoding: 'utf8'});
	t.is(mounted.status, 0, mounted.stderr);
	const layers = join(top, 'layers');
	const workdir = join(top, 'work');
	const socket = join(workdir, 'faas/sock');
	const requests = join(workdir, 'faas/req');
	const handedDown = hierarchy.version === 'v2' ? readSubtreeControl(hierarchy.base) : [];
	const started: {service?: ReturnType<typeof spawn>} = {};
	t.teardown(async () => {
		started.service?.kill('SIGKILL');
		await waitFor(() => !existsSync(requests) || readdirSync(requests).length === 0, {timeout: 15_000}).catch(() => undefined);
		for (const group of groups.filter(each => existsSync(each))) {
			for (const child of readdirSync(group, {withFileTypes: true}).filter(entry => entry.isDirectory())) {
				rmdirSync(join(group, child.name));
			}

			rmdirSync(group);
		}

		const turnedOn = ['pids', 'memory'].filter(controller => !handedDown.includes(controller));
		if (hierarchy.version === 'v2' && turnedOn.length > 0) {
			writeFileSync(join(hierarchy.base!, 'cgroup.subtree_control'), turnedOn.map(controller => `-${controller}`).join(' '));
		}

		spawnSync('umount', [top]);
		area.remove();
	});

	// The busybox route's rootfs as layer 1 and the layers lesson's layer 2, as their steps make them.
	const made = spawnSync('sh', ['-e', '-c', `mkdir -p ${layers}/1/bin ${layers}/1/etc ${layers}/2/etc ${workdir}/faas/fn/proc ${workdir}/faas/fn/tmp ${requests}
cp /bin/busybox ${layers}/1/bin/
for a in $(${layers}/1/bin/busybox --list); do [ -e ${layers}/1/bin/$a ] || ln -s busybox ${layers}/1/bin/$a; done
echo 'Built in layer 2' > ${layers}/2/etc/motd`], {encoding: 'utf8'});
	t.is(made.status, 0, made.stderr);

	const {course} = loadCourse(join(repo, 'lessons'));
	const {steps} = course.lessons.find(lesson => lesson.id === 'faas')!;
	// `{{lowers}}` as the busybox route has it: the lesson's layer 2 over the rootfs's layer 1.
	const variables = {workdir, layers, lowers: `${layers}/2:${layers}/1`, cgroupfs: hierarchy.base};
	const function_ = heredoc(steps.find(step => step.id === 'function')!.commands[0]!.text, 'fn/function');
	const block = steps.find(step => step.id === 'limits')!.commands.find(each => each.cgroup === hierarchy.version)!.text;
	const handler = heredoc(block, 'handler');
	t.truthy(function_ && handler, 'the lesson writes a function and a handler for this hierarchy');
	t.notRegex(fillKnownVariables(handler!, variables), /{{/, 'the test fills every variable the handler names');
	writeFileSync(join(workdir, 'faas/fn/function'), `${fillKnownVariables(function_!, variables)}\n`);
	writeFileSync(join(workdir, 'faas/handler'), `${fillKnownVariables(handler!, variables)}\n`);
	chmodSync(join(workdir, 'faas/fn/function'), 0o755);
	chmodSync(join(workdir, 'faas/handler'), 0o755);
	// The block's lines before its handler: making the group (v2: and handing pids and memory down).
	const setup = spawnSync('sh', ['-e', '-c', fillKnownVariables(block.slice(0, block.indexOf('cat >')), variables)], {encoding: 'utf8'});
	t.is(setup.status, 0, setup.stderr);
	t.true(groups.every(group => existsSync(group)), 'the block made the group faas');

	// The handlers' errors (a refused rmdir, say) go to a log the failures below quote.
	const log = join(top, 'service.log');
	const logged = () => (existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '');
	const logFd = openSync(log, 'w');
	started.service = spawn('socat', ['-t', '10', `UNIX-LISTEN:${socket},fork,mode=600,unlink-early`, `EXEC:${join(workdir, 'faas/handler')}`], {stdio: ['ignore', 'ignore', logFd]});
	closeSync(logFd);
	await waitFor(() => existsSync(socket), {timeout: 5000});

	const held = await holdConcurrent(socket, 2);
	const answers = held.map(request => parseAnswer(request.text));
	t.true(held.every(request => request.complete && request.living.length > 0), `two requests ran at once: ${JSON.stringify(held)}`);
	t.not(answers[0]!.namespaces.pid, answers[1]!.namespaces.pid);
	t.true(answers.every(answer => answer.namespaces.net !== undefined && answer.namespaces.net !== readlinkSync('/proc/self/ns/net')), 'each has a network namespace of its own');
	t.deepEqual(answers.map(answer => answer.interfaces), [['lo'], ['lo']]);

	const bomb = await watchLimit(socket, {request: 'forkbomb', hit: 'pids', cgroup: 'faas', hierarchy});
	t.true(bomb.groups.some(group => group.forksRefused > 0 && group.pidsMax === 32), `the fork bomb was refused forks at 32: ${JSON.stringify(bomb.groups)}`);
	const hog = await watchLimit(socket, {request: 'hog', hit: 'memory', cgroup: 'faas', hierarchy});
	t.true(hog.groups.some(group => group.oomKills > 0 && group.memoryMax === 32 * 1024 * 1024), `the hog was OOM-killed at 32M: ${JSON.stringify(hog.groups)}`);
	t.regex((await ask(socket, 'whoami')).text, /^hostname: faas-\d+$/m, 'the service answers after them');

	await waitFor(() => readdirSync(requests).length === 0 && childGroups(hierarchy, 'faas').length === 0 && processesRootedUnder(requests).length === 0, {
		timeout: 30_000,
		describe: () => `left: ${readdirSync(requests).join(', ')}; groups ${childGroups(hierarchy, 'faas').join(', ')}; the handlers said: ${logged()}`,
	});
	t.false(readFileSync('/proc/self/mountinfo', 'utf8').includes(requests), 'no request\'s mount is on the host');
});
