import {spawnSync} from 'node:child_process';
import {existsSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {openWorkshop} from '../../src/workshop/workshop.ts';
import {cli, requirePrivileges, scratch} from '../helpers/privileged.ts';
import {walkSteps} from '../helpers/walk-steps.ts';
import {buildTestImage} from './build-image.ts';
import {listTree} from './tree-listing.ts';

const tools = ['umoci', 'skopeo'].filter(tool => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const missing = tools.length > 0 ? `${tools.join(', ')} missing (apt-get install umoci skopeo)` : undefined;

test('the image route: copy/export unpacks a umoci-built image into the source tree, the write-up\'s tar line packs it, verify passes copy, reset --purge leaves nothing', async t => {
	if (!requirePrivileges(t, missing)) {
		return;
	}

	const area = scratch('image-route');
	const rootcamp = (...args: string[]) => spawnSync(cli, args, {env: area.env, encoding: 'utf8'});
	t.teardown(() => {
		rootcamp('reset', '--purge', '--yes', '--rootfs', area.rootfs);
		area.remove();
	});
	const image = buildTestImage(area.dir);
	const engine = await openWorkshop({rootfs: area.rootfs, route: 'image', image: image.dockerArchive, paths: area.paths});
	// The command shown is copyable as is: this rootcamp's own CLI and the image by absolute paths.
	const [shown] = engine.commandsFor({lesson: 'copy', step: 'export'}, await engine.variables());
	t.is(shown!.text.split('\n')[0], `[ -d ${area.paths.cache}/source-image ] || ${cli} image unpack ${image.dockerArchive} ${area.paths.cache}/source-image`);
	await walkSteps(t, engine, engine.course.lessons.filter(lesson => lesson.id === 'copy'), {
		route: 'image',
		changeNamed: {'copy/export': /ubuntu_root\.tar/, 'copy/unpack': /rootfs/},
	});
	// The rootfs is the image as umoci unpacks it, less what the write-up's tar list leaves out, and
	// less extended attributes: the write-up's tar -cvf and tar -xvf keep none (that takes --xattrs).
	const listed = new Set(['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib64', 'media', 'mnt', 'opt', 'root', 'run', 'sbin', 'srv', 'usr', 'var']);
	const withoutXattrs = (entries: ReturnType<typeof listTree>) => entries.map(({xattrs, ...entry}) => entry);
	t.deepEqual(withoutXattrs(listTree(area.rootfs)), withoutXattrs(listTree(image.reference)).filter(entry => listed.has(entry.path.split('/')[0]!)));
	t.true(listTree(join(area.paths.cache, 'source-image')).some(entry => entry.xattrs?.includes('user.rootcamp=0saGVsbG8=')), 'the unpacked image has them');

	// A later command without --image remembers it, as it remembers the rootfs.
	const verify = rootcamp('verify', 'copy', '--json');
	t.is(verify.status, 0, verify.stdout);
	t.is((JSON.parse(verify.stdout) as {summary: {pass: number}}).summary.pass, 2);
	const reset = rootcamp('reset', '--purge', '--yes');
	t.is(reset.status, 0, reset.stderr);
	for (const path of [area.rootfs, join(area.paths.cache, 'source-image'), join(area.paths.cache, 'ubuntu_root.tar')]) {
		t.false(existsSync(path), `${path} is gone after reset --purge`);
	}
});

test('doctor says whether the image route is usable: it opens the image\'s manifests and checks their digests', t => {
	if (!requirePrivileges(t, missing)) {
		return;
	}

	const area = scratch('image-doctor');
	t.teardown(() => {
		area.remove();
	});
	const image = buildTestImage(area.dir);
	const imageFinding = (...args: string[]) => {
		const doctor = spawnSync(cli, ['doctor', '--json', ...args], {env: area.env, encoding: 'utf8'});
		const {findings} = JSON.parse(doctor.stdout) as {findings: Array<{name: string; detail: string}>};
		return findings.find(finding => finding.name === 'a rootfs')!.detail.split('; ').find(route => route.includes(' image: '));
	};

	t.is(imageFinding(), '✗ image: only with --image PATH (a docker save archive or an OCI image layout)');
	t.is(imageFinding('--image', image.layout), `✓ image: --image ${image.layout}: an OCI image layout of 3 layers, applied by rootcamp image unpack`);
	writeFileSync(join(image.layout, 'index.json'), '{"manifests": [');
	t.regex(imageFinding('--image', image.layout)!, /^✗ image: --image .*: index\.json is not valid JSON$/);
});

test('--image must name an existing path and cannot go with another route; rootcamp image wants unpack or layers, an image and a folder', t => {
	const area = scratch('image-option');
	t.teardown(() => {
		area.remove();
	});
	const run = (...args: string[]) => spawnSync(cli, args, {env: area.env, encoding: 'utf8'});
	const none = run('--image', join(area.dir, 'nothing.tar'), 'list');
	t.is(none.status, 2);
	t.regex(none.stderr, /--image .*nothing\.tar: there is no such file or directory/);
	const both = run('--image', area.dir, '--route', 'busybox', 'list');
	t.is(both.status, 2);
	t.regex(both.stderr, /--image takes the image route; it cannot go with --route busybox/);
	const routeAlone = run('--route', 'image', 'list');
	t.is(routeAlone.status, 2);
	t.regex(routeAlone.stderr, /--route image needs --image PATH/);
	for (const words of [['image'], ['image', 'unpack', area.dir], ['image', 'flatten', area.dir, join(area.dir, 'out')], ['image', 'layers', area.dir, 'out', 'extra']]) {
		const wrong = run(...words);
		t.is(wrong.status, 2, words.join(' '));
		t.regex(wrong.stderr, /usage:\nrootcamp image unpack IMAGE DIR .*\nrootcamp image layers IMAGE DIR /);
	}
});
