import {execFileSync, spawnSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {repo} from '../helpers/privileged.ts';

/**
 * The package as a user gets it: `npm pack` from the clone (its prepack builds dist/), then
 * `npm install -g` of the tarball into a scratch prefix, and the installed command run from
 * another folder, with the lessons and assets it shipped. The bundle has no runtime
 * dependencies, so the install needs nothing but the tarball (`--offline`).
 */
test('npm pack ships a working rootcamp command that npm install -g puts on PATH', t => {
	const dir = mkdtempSync(join(tmpdir(), 'rootcamp-pack-'));
	t.teardown(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	const npm = (args: string[], cwd: string) => execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=error'], {cwd, encoding: 'utf8'});

	// A clean clone has no dist/: without a prepack build the tarball would have no command at all.
	const clone = join(dir, 'clone');
	mkdirSync(clone);
	execFileSync('sh', ['-c', 'git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$0"', clone], {cwd: repo});
	symlinkSync(join(repo, 'node_modules'), join(clone, 'node_modules'));
	t.false(existsSync(join(clone, 'dist')), 'the copy starts without a build');
	const tarball = npm(['pack', '--pack-destination', dir], clone).trim().split('\n').at(-1)!;
	const files = execFileSync('tar', ['-tzf', join(dir, tarball)], {encoding: 'utf8'}).split('\n').filter(Boolean);
	t.true(files.includes('package/dist/cli.js'), 'the command is in the tarball');
	t.true(files.includes('package/assets/banner.txt'), 'the assets are');
	t.is(files.filter(file => /^package\/lessons\/.+\.md$/.test(file)).length, readdirSync(join(repo, 'lessons')).filter(name => name.endsWith('.md')).length, 'every lesson is');
	t.deepEqual(files.filter(file => /^package\/(src|test|scripts)\//.test(file)), [], 'sources and tests are not');

	const prefix = join(dir, 'prefix');
	npm(['install', '--global', '--offline', '--prefix', prefix, join(dir, tarball)], dir);
	const elsewhere = join(dir, 'elsewhere');
	mkdirSync(elsewhere);
	const env = {...process.env, PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, XDG_STATE_HOME: join(dir, 'state'), XDG_CACHE_HOME: join(dir, 'cache'), NO_COLOR: '1'};
	const rootcamp = (...args: string[]) => spawnSync('rootcamp', args, {cwd: elsewhere, env, encoding: 'utf8'});

	const version = rootcamp('--version');
	t.is(version.status, 0, version.stderr);
	t.is(version.stdout.trim(), (JSON.parse(execFileSync('cat', [join(repo, 'package.json')], {encoding: 'utf8'})) as {version: string}).version);

	const list = rootcamp('list');
	t.is(list.status, 0, list.stderr);
	t.regex(list.stdout, /Copy-paste the target container \(copy, 0\/2 done\)/, 'the shipped lessons are found from the installed command');
	t.regex(list.stdout, /network-advanced\/veth/);

	const doctor = rootcamp('doctor');
	t.regex(doctor.stdout, /✓ unshare: \S+/);
	t.regex(doctor.stdout, /a rootfs/);
	if (process.getuid?.() === 0) {
		t.is(doctor.status, 0, `as root on this host the installed doctor finds nothing missing:\n${doctor.stdout}`);
	}
});
