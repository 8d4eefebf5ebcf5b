import {execFileSync, spawnSync} from 'node:child_process';
import {cpSync, existsSync, readdirSync, readFileSync, readlinkSync, truncateSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {cli, requirePrivileges, scratch} from '../helpers/privileged.ts';
import {addLayer, buildTestImage, editManifest, layerBlob, type TestImage} from './build-image.ts';
import {hardLinkGroups, listTree} from './tree-listing.ts';
import {gzipOf, tarOf} from './tar-writer.ts';

const tools = ['umoci', 'skopeo', 'setfattr'].filter(tool => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
const missing = tools.length > 0 ? `${tools.join(', ')} missing (apt-get install umoci skopeo attr)` : undefined;

const area = scratch('image');
const built: {image?: TestImage} = {};
test.before(() => {
	if (!missing && process.getuid?.() === 0) {
		built.image = buildTestImage(area.dir);
	}
});
test.after.always(() => {
	// An overlay a failed test left mounted is unmounted before anything under it is removed.
	for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n').filter(line => line.includes(area.dir)).reverse()) {
		spawnSync('umount', [line.split(' ')[1]!]);
	}

	area.remove();
});

const rootcamp = (...args: string[]) => spawnSync(cli, args, {encoding: 'utf8', env: area.env});

/** The scratch entries a refused unpack might leave: the target, or a temporary directory beside it. */
const leftBeside = (target: string) => readdirSync(join(target, '..')).filter(name => name === 'out' || name.startsWith('.out.rootcamp-'));

for (const [position, [form, pick]] of ([
	['an OCI layout directory', (image: TestImage) => image.layout],
	['an OCI layout directory, tag named', (image: TestImage) => `${image.layout}:${image.tag}`],
	['an OCI layout packed in a tar file', (image: TestImage) => image.ociTar],
	['a docker-save archive (skopeo copy … docker-archive:)', (image: TestImage) => image.dockerArchive],
] as const).entries()) {
	test.serial(`image unpack of ${form} equals umoci unpack's tree, entry by entry`, t => {
		if (!requirePrivileges(t, missing)) {
			return;
		}

		const target = join(area.dir, `unpacked-${position}`);
		const result = rootcamp('image', 'unpack', pick(built.image!), target);
		t.is(result.status, 0, result.stderr);
		t.regex(result.stdout, /unpacked 3 layers of /);
		const ours = listTree(target);
		const theirs = listTree(built.image!.reference);
		t.deepEqual(ours, theirs);
		t.deepEqual(hardLinkGroups(target, ours), [['etc/passwd', 'etc/passwd.hard']]);
		// The rules the image exercises, named, so a tree that is wrong in both places still fails here.
		const byPath = new Map(ours.map(entry => [entry.path, entry]));
		t.false(byPath.has('etc/remove-me'), 'a whiteout removes a lower file');
		t.false(byPath.has('opt/old/sub'), 'an opaque directory hides what lower layers had in it');
		t.like(byPath.get('opt/old/fresh'), {type: 'file'});
		t.like(byPath.get('data/dir-becomes-file'), {type: 'file'});
		t.like(byPath.get('data/file-becomes-dir'), {type: 'dir'});
		t.like(byPath.get('bin/suid'), {mode: '4755'});
		t.like(byPath.get('srv/shared'), {type: 'dir', mode: '2775'});
		t.like(byPath.get('var/tmp'), {mode: '1777'});
		t.like(byPath.get('home/user-file'), {uid: 1000, gid: 1001, mode: '600', xattrs: ['user.rootcamp=0saGVsbG8=']});
		t.like(byPath.get('bin/capable'), {xattrs: ['security.capability=0sAQAAAgAgAAAAAAAAAAAAAAAAAAA=']});
		t.like(byPath.get('var/lib/pw'), {type: 'symlink', link: '../../etc/passwd'});
		t.like(byPath.get('var/lib/fifo'), {type: 'fifo'});
		t.like(byPath.get('var/lib/null'), {type: 'char', rdev: 259});
		t.deepEqual(leftBeside(join(area.dir, 'out')), []);
	});
}

test.serial('a docker-save archive in the classic form (Layers named ID/layer.tar, symbolic links to the layer tars) unpacks to the same tree', t => {
	if (!requirePrivileges(t, missing)) {
		return;
	}

	const unpacked = join(area.dir, 'classic');
	execFileSync('mkdir', [unpacked]);
	execFileSync('tar', ['-xf', built.image!.dockerArchive, '-C', unpacked]);
	// skopeo writes each layer's legacy folder with a layer.tar link beside its Layers entry; name those instead, as docker save before 25 did.
	const legacy = new Map(readdirSync(unpacked).filter(name => existsSync(join(unpacked, name, 'layer.tar'))).map(id => [readlinkSync(join(unpacked, id, 'layer.tar')).replace('../', ''), `${id}/layer.tar`]));
	const manifest = JSON.parse(readFileSync(join(unpacked, 'manifest.json'), 'utf8')) as Array<{Layers: string[]}>;
	manifest[0]!.Layers = manifest[0]!.Layers.map(name => legacy.get(name)!);
	t.true(manifest[0]!.Layers.every(name => name.endsWith('/layer.tar')));
	writeFileSync(join(unpacked, 'manifest.json'), JSON.stringify(manifest));
	const archive = join(area.dir, 'classic.tar');
	execFileSync('tar', ['-cf', archive, '-C', unpacked, '.']);
	const target = join(area.dir, 'classic-tree');
	const result = rootcamp('image', 'unpack', archive, target);
	t.is(result.status, 0, result.stderr);
	t.deepEqual(listTree(target), listTree(built.image!.reference));
});

test.serial('image layers writes overlayfs\'s form: mounted as an overlay, the layers show umoci unpack\'s tree', t => {
	if (!requirePrivileges(t, missing)) {
		return;
	}

	const layers = join(area.dir, 'layers');
	const result = rootcamp('image', 'layers', built.image!.dockerArchive, layers);
	t.is(result.status, 0, result.stderr);
	t.deepEqual(readdirSync(layers).sort(), ['1', '2', '3']);
	// A whiteout is a 0:0 character device; an opaque directory carries trusted.overlay.opaque=y.
	t.like(listTree(join(layers, '2')).find(entry => entry.path === 'etc/remove-me'), {type: 'char', rdev: 0, uid: 0, gid: 0});
	t.is(execFileSync('getfattr', ['--only-values', '-n', 'trusted.overlay.opaque', join(layers, '3/opt/old')], {encoding: 'utf8'}), 'y');
	const merged = join(area.dir, 'merged');
	execFileSync('mkdir', ['-p', merged, join(area.dir, 'upper'), join(area.dir, 'work')]);
	execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${layers}/3:${layers}/2:${layers}/1,upperdir=${area.dir}/upper,workdir=${area.dir}/work`, merged]);
	t.teardown(() => spawnSync('umount', [merged]));
	t.deepEqual(listTree(merged), listTree(built.image!.reference));
});

/** A copy of the test image's layout to spoil. */
const spoiled = (name: string, spoil: (layout: string) => void): string => {
	const layout = join(area.dir, `bad-${name}`);
	cpSync(built.image!.layout, layout, {recursive: true});
	spoil(layout);
	return layout;
};

for (const [title, spoil, message] of [
	['a layer blob changed where gzip does not look (its header\'s time)', (layout: string) => {
		const blob = layerBlob(layout, 3);
		const data = readFileSync(blob);
		data[4] = data[4]! ^ 0xFF;
		writeFileSync(blob, data);
	}, /layer 3 of 3 \(sha256:[\da-f]{12}\) does not match its digest: expected sha256:[\da-f]{64}, got sha256:[\da-f]{64}/],
	['a layer blob changed in its compressed data', (layout: string) => {
		const blob = layerBlob(layout, 2);
		const data = readFileSync(blob);
		data[data.length - 12] = data.at(-12)! ^ 0xFF;
		writeFileSync(blob, data);
	}, /layer 2 of 3 \(sha256:[\da-f]{12}\) (is corrupt or truncated: gzip says|does not match its digest)/],
	['a layer truncated', (layout: string) => {
		const blob = layerBlob(layout, 1);
		truncateSync(blob, Math.floor(readFileSync(blob).length / 2));
	}, /layer 1 of 3 \(sha256:[\da-f]{12}\) is corrupt or truncated: gzip says "unexpected end of file"/],
	['the manifest changed', (layout: string) => {
		const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {manifests: Array<{digest: string}>};
		writeFileSync(join(layout, 'blobs/sha256', index.manifests[0]!.digest.slice(7)), '{"schemaVersion":2,"layers":[]}   ');
	}, /the manifest does not match its digest/],
	['an unknown media type', (layout: string) => {
		editManifest(layout, manifest => {
			manifest.layers[1]!.mediaType = 'application/vnd.example.layer.v1.squashfs';
		});
	}, /layer 2 of 3 \(sha256:[\da-f]{12}\) has an unknown media type \(application\/vnd.example.layer.v1.squashfs\)/],
	['a zstd layer', (layout: string) => {
		editManifest(layout, manifest => {
			manifest.layers[0]!.mediaType = 'application/vnd.oci.image.layer.v1.tar+zstd';
		});
	}, /layer 1 of 3 .* is compressed with zstd/],
	['a layer with ../x', (layout: string) => {
		const tar = tarOf([{name: '../x', content: 'out'}]);
		addLayer(layout, tar, 'application/vnd.oci.image.layer.v1.tar+gzip', gzipOf(tar));
	}, /the entry "\.\.\/x" escapes the tree with "\.\."/],
	['a symbolic link a later entry writes through', (layout: string) => {
		addLayer(layout, tarOf([{name: 'escape', type: 'symlink', linkname: join(area.dir, 'outside')}]), 'application/vnd.oci.image.layer.v1.tar');
		addLayer(layout, tarOf([{name: 'escape/evil', content: 'evil'}]), 'application/vnd.oci.image.layer.v1.tar');
	}, /the entry "escape\/evil" would be written through "escape", which is a symbolic link/],
	['a hard link to outside the tree', (layout: string) => {
		addLayer(layout, tarOf([{name: 'shadow', type: 'hardlink', linkname: '../../../etc/shadow'}]), 'application/vnd.oci.image.layer.v1.tar');
	}, /the hard link "shadow" escapes the tree/],
] as const) {
	test.serial(`refused with exit 2, nothing left: ${title}`, t => {
		if (!requirePrivileges(t, missing)) {
			return;
		}

		const layout = spoiled(title.replaceAll(/\W+/g, '-'), spoil);
		const target = join(area.dir, 'out');
		const result = rootcamp('image', 'unpack', layout, target);
		t.is(result.status, 2, result.stdout + result.stderr);
		t.regex(result.stderr, message);
		t.notRegex(result.stderr, /\n\s+at /, 'a message, not a stack trace');
		t.deepEqual(leftBeside(target), [], 'neither the target nor its temporary directory is left');
		t.false(existsSync(join(area.dir, 'outside')));
	});
}

test.serial('refused with exit 2, nothing left: a docker-save archive whose layer was changed (its diff_id no longer matches)', t => {
	if (!requirePrivileges(t, missing)) {
		return;
	}

	const archive = join(area.dir, 'changed.tar');
	const data = readFileSync(built.image!.dockerArchive);
	// The layer tars are stored uncompressed: change the content of layer 3's one file in place.
	const at = data.indexOf('fresh\n');
	t.true(at > 0);
	data.write('FRESH', at);
	writeFileSync(archive, data);
	const result = rootcamp('image', 'unpack', archive, join(area.dir, 'out'));
	t.is(result.status, 2);
	t.regex(result.stderr, /layer 3 of 3 \(sha256:[\da-f]{12}\) does not match its diff_id/);
	t.deepEqual(leftBeside(join(area.dir, 'out')), []);
});

test.serial('refused with exit 2: a target that is not empty, a path that is no image, a damaged docker-save archive', t => {
	if (!requirePrivileges(t, missing)) {
		return;
	}

	const busy = rootcamp('image', 'unpack', built.image!.layout, built.image!.reference);
	t.is(busy.status, 2);
	t.regex(busy.stderr, /already exists and is not an empty directory/);
	const none = rootcamp('image', 'unpack', join(area.dir, 'no-such-image'), join(area.dir, 'out'));
	t.is(none.status, 2);
	t.regex(none.stderr, /there is no image at/);
	const archive = join(area.dir, 'short.tar');
	writeFileSync(archive, readFileSync(built.image!.dockerArchive).subarray(0, 20_000));
	const short = rootcamp('image', 'unpack', archive, join(area.dir, 'out'));
	t.is(short.status, 2);
	t.regex(short.stderr, /short\.tar is truncated/);
	t.deepEqual(leftBeside(join(area.dir, 'out')), []);
});
