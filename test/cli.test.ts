import {spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {cli, requirePrivileges, scratch} from './helpers/privileged.ts';
import {temporaryFolders} from './helpers/temp-folders.ts';

const newHome = temporaryFolders('rootcamp-cli-');

const run = (args: string[], env: NodeJS.ProcessEnv = {}, user?: string) => {
	const home = newHome();
	const environment = {...process.env, XDG_STATE_HOME: join(home, 'state'), XDG_CACHE_HOME: join(home, 'cache'), NO_COLOR: '1', ...env};
	return user
		? spawnSync('runuser', ['-u', user, '--', process.execPath, cli, ...args], {env: environment, encoding: 'utf8', input: ''})
		: spawnSync(process.execPath, [cli, ...args], {env: environment, encoding: 'utf8', input: ''});
};

const exitsWith = test.macro({
	exec(t, args: string[], code: number, said: RegExp) {
		const result = run(args);
		t.is(result.status, code, result.stdout + result.stderr);
		t.regex(result.stdout + result.stderr, said);
		t.notRegex(result.stderr, /\n\s+at /, 'a message, never a stack trace');
	},
	title: (_, args: string[], code: number) => `rootcamp ${args.join(' ')} exits ${code}`,
});

test(exitsWith, ['--help'], 0, /rootcamp verify \[LESSON\[\/STEP]]/);
test(exitsWith, ['--version'], 0, /^\d+\.\d+\.\d+/);
test(exitsWith, ['frobnicate'], 2, /unknown command "frobnicate"/);
test(exitsWith, ['list', '--no-such-flag'], 2, /no-such-flag/);
test(exitsWith, ['list', '--rootfs', 'relative/root'], 2, /absolute/);
test(exitsWith, ['list', '--rootfs', '/'], 2, /cannot be \//);
test(exitsWith, ['list', '--rootfs', '/usr'], 2, /system directory/);
test(exitsWith, ['solve', '--route', 'podman'], 2, /--route must be one of docker, debootstrap, busybox/);
test(exitsWith, ['lint', join(import.meta.dirname, 'fixtures/lint-course')], 2, /02-broken\.md:13: unknown check kind "frobnicate"/);
test(exitsWith, ['lint'], 0, /4 lessons|lessons, \d+ steps: no problems/);
test(exitsWith, ['list', '--lessons', join(import.meta.dirname, 'fixtures/lint-course')], 2, /the lessons have errors/);

test('list shows the write-up\'s lessons and every step id', t => {
	const result = run(['list']);
	t.is(result.status, 0);
	for (const title of ['Copy-paste the target container', 'Enter back in', 'Add basic networking', 'Advanced networking']) {
		t.regex(result.stdout, new RegExp(title));
	}

	t.regex(result.stdout, /network-advanced\/move/);
});

test('verify of an unknown lesson or step is a usage error', t => {
	if (!requirePrivileges(t)) {
		return;
	}

	t.is(run(['verify', 'nope']).status, 2);
	const step = run(['verify', 'enter/nope']);
	t.is(step.status, 2);
	t.regex(step.stderr, /no step "nope" in enter \(steps: chroot, path, ps, proc, tmp\)/);
});

test('privileged commands refuse a non-root user with exit 3 and say what to do', t => {
	if (!requirePrivileges(t)) {
		return;
	}

	for (const command of ['solve', 'reset', 'verify']) {
		const result = run([command], {}, 'nobody');
		t.is(result.status, 3, `${command}: ${result.stderr}`);
		t.regex(result.stderr, new RegExp(`needs root.*sudo rootcamp ${command}`));
	}
});

test('solve shows what it would run and runs nothing without --yes or a terminal', t => {
	if (!requirePrivileges(t)) {
		return;
	}

	const area = scratch('noyes');
	t.teardown(() => {
		area.remove();
	});
	const result = spawnSync(process.execPath, [cli, 'solve', 'copy', '--route', 'busybox', '--rootfs', area.rootfs], {env: area.env, encoding: 'utf8', input: ''});
	t.is(result.status, 2, result.stderr);
	t.regex(result.stdout, /rootcamp will run, as root:/);
	t.regex(result.stdout, /tar -cvf .*ubuntu_root\.tar bin boot dev etc home lib lib64 media mnt opt root run sbin srv usr var/);
	t.regex(result.stderr, /pass --yes/);
	t.false(existsSync(area.rootfs), 'nothing ran');
	t.false(existsSync(join(area.dir, 'cache/rootcamp/ubuntu_root.tar')), 'nothing ran');
});

test('a corrupt progress file is set aside with a warning, never a crash', t => {
	const home = newHome();
	mkdirSync(join(home, 'state/rootcamp'), {recursive: true});
	writeFileSync(join(home, 'state/rootcamp/progress.json'), '{not json');
	const result = run(['list'], {XDG_STATE_HOME: join(home, 'state')});
	t.is(result.status, 0, result.stderr);
	t.regex(result.stderr, /warning: .*progress\.json was unreadable; it was set aside as/);
});

test('a reader that stops early ends the output quietly, never with a stack trace', t => {
	const home = newHome();
	const result = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" list | head -n 1; exit 0`], {
		env: {...process.env, XDG_STATE_HOME: join(home, 'state'), XDG_CACHE_HOME: join(home, 'cache'), NO_COLOR: '1'},
		encoding: 'utf8',
	});
	t.regex(result.stdout, /^Copy-paste the target container/);
	t.is(result.stdout.split('\n').filter(Boolean).length, 1);
	t.notRegex(result.stderr, /EPIPE|\n\s+at /);
});
