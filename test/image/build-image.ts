import {execFileSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {readFileSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

/** Paths of the test image in every form, and the tree `umoci unpack` made of it. */
export type TestImage = {layout: string; tag: string; ociTar: string; dockerArchive: string; reference: string};

const sh = (script: string) => execFileSync('bash', ['-euo', 'pipefail', '-c', script], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});

/**
 * Builds an OCI image with umoci, as a person would: a busybox rootfs as layer 1; layer 2 deletes
 * a file, replaces a directory by a file and a file by a directory, adds a hard link, a setuid
 * file, a setgid and a sticky directory, a symbolic link, a fifo, a device node and a file of
 * another owner, extended attributes (a user one, a file capability) (umoci repack writes the
 * whiteouts); layer 3 (umoci insert --opaque) replaces a
 * directory's contents wholesale (an opaque marker). Then skopeo gives the docker-save form, tar
 * the layout's tar form, and umoci unpack the reference tree.
 */
export const buildTestImage = (dir: string): TestImage => {
	const image: TestImage = {layout: join(dir, 'oci'), tag: 'rootcamp', ociTar: join(dir, 'oci.tar'), dockerArchive: join(dir, 'docker.tar'), reference: join(dir, 'reference/rootfs')};
	sh(`cd ${dir}
umoci init --layout oci
umoci new --image oci:rootcamp
umoci unpack --image oci:rootcamp bundle >/dev/null
cd bundle/rootfs
mkdir -p bin boot dev etc home lib lib64 media mnt opt/old/sub root run sbin srv usr/bin usr/sbin var/lib var/tmp data/dir-becomes-file
cp /bin/busybox bin/
for a in sh ls cat echo mount ps; do ln -s busybox bin/$a; done
echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd
: > etc/resolv.conf
echo gone > etc/remove-me
echo a > opt/old/a; echo b > opt/old/sub/b; echo x > data/dir-becomes-file/x; echo f > data/file-becomes-dir
cd ../..
umoci repack --image oci:rootcamp bundle >/dev/null
rm -rf bundle
umoci unpack --image oci:rootcamp bundle >/dev/null
cd bundle/rootfs
rm etc/remove-me opt/old/a
rm -rf data/dir-becomes-file; echo now-a-file > data/dir-becomes-file
rm data/file-becomes-dir; mkdir data/file-becomes-dir; echo inner > data/file-becomes-dir/inner
ln etc/passwd etc/passwd.hard
echo s > bin/suid; chmod 4755 bin/suid
mkdir -m 2775 srv/shared; chmod 1777 var/tmp
ln -s ../../etc/passwd var/lib/pw
mkfifo var/lib/fifo; mknod var/lib/null c 1 3
echo owned > home/user-file; chown 1000:1001 home/user-file; chmod 600 home/user-file
setfattr -n user.rootcamp -v hello home/user-file
echo c > bin/capable; setfattr -n security.capability -v 0sAQAAAgAgAAAAAAAAAAAAAAAAAAA= bin/capable
cd ../..
umoci repack --image oci:rootcamp bundle >/dev/null
rm -rf bundle
mkdir -p new-old; echo fresh > new-old/fresh
umoci insert --image oci:rootcamp --opaque new-old /opt/old >/dev/null
rm -rf new-old
umoci unpack --image oci:rootcamp reference >/dev/null
tar -cf oci.tar -C oci .
skopeo copy --quiet oci:oci:rootcamp docker-archive:docker.tar:rootcamp/test:latest`);
	return image;
};

/**
 * A small image of two layers, built with umoci as a person would, for the layers lesson: a
 * busybox rootfs with every applet (the lesson's shells type rm, cat, echo) as layer 1; layer 2
 * deletes a file of layer 1 (umoci repack writes its `.wh.` whiteout) and adds one. Returns the OCI
 * layout and the tree `umoci unpack` makes of it.
 */
export const buildTwoLayerImage = (dir: string): {layout: string; reference: string} => {
	sh(`cd ${dir}
umoci init --layout oci
umoci new --image oci:rootcamp
umoci unpack --image oci:rootcamp bundle >/dev/null
cd bundle/rootfs
mkdir -p bin boot dev etc home lib lib64 media mnt opt proc root run sbin srv sys tmp usr/bin usr/sbin var
cp /bin/busybox bin/
for a in $(bin/busybox --list); do [ -e bin/$a ] || ln -s busybox bin/$a; done
echo 'root:x:0:0:root:/root:/bin/sh' > etc/passwd
: > etc/resolv.conf
echo 'deleted by layer 2' > etc/remove-me
cd ../..
umoci repack --image oci:rootcamp bundle >/dev/null
rm -rf bundle
umoci unpack --image oci:rootcamp bundle >/dev/null
rm bundle/rootfs/etc/remove-me
echo 'added by layer 2' > bundle/rootfs/etc/added
umoci repack --image oci:rootcamp bundle >/dev/null
rm -rf bundle
umoci unpack --image oci:rootcamp reference >/dev/null`);
	return {layout: join(dir, 'oci'), reference: join(dir, 'reference/rootfs')};
};

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

type Descriptor = {mediaType: string; digest: string; size: number; annotations?: Record<string, string>};
type Manifest = {config: Descriptor; layers: Descriptor[]};

/** Writes a blob into the layout and returns its descriptor. */
const putBlob = (layout: string, mediaType: string, data: Buffer | string): Descriptor => {
	const digest = sha256(data);
	writeFileSync(join(layout, 'blobs/sha256', digest), data);
	return {mediaType, digest: `sha256:${digest}`, size: Buffer.byteLength(data)};
};

/**
 * Edits the (one) manifest of an OCI layout and writes it back as a new blob, with index.json
 * pointing at it: a test's way to add a crafted layer or change a media type without the edit
 * itself being what rootcamp refuses (the digests stay consistent).
 */
export const editManifest = (layout: string, edit: (manifest: Manifest, config: {rootfs: {diff_ids: string[]}}) => void) => {
	const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {manifests: Descriptor[]};
	const blob = (descriptor: Descriptor) => join(layout, 'blobs/sha256', descriptor.digest.slice('sha256:'.length));
	const manifest = JSON.parse(readFileSync(blob(index.manifests[0]!), 'utf8')) as Manifest;
	const config = JSON.parse(readFileSync(blob(manifest.config), 'utf8')) as {rootfs: {diff_ids: string[]}};
	edit(manifest, config);
	manifest.config = putBlob(layout, manifest.config.mediaType, JSON.stringify(config));
	index.manifests[0] = {...putBlob(layout, index.manifests[0]!.mediaType, JSON.stringify(manifest)), annotations: index.manifests[0]!.annotations};
	writeFileSync(join(layout, 'index.json'), JSON.stringify(index));
};

/** Adds a layer (a tar, gzipped or not) on top of the layout's image. */
export const addLayer = (layout: string, tar: Buffer, mediaType: string, stored: Buffer = tar) => {
	editManifest(layout, (manifest, config) => {
		manifest.layers.push(putBlob(layout, mediaType, stored));
		config.rootfs.diff_ids.push(`sha256:${sha256(tar)}`);
	});
};

/** The path of the layout's blob for layer `position` (1 is the lowest). */
export const layerBlob = (layout: string, position: number): string => {
	const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {manifests: Descriptor[]};
	const manifest = JSON.parse(readFileSync(join(layout, 'blobs/sha256', index.manifests[0]!.digest.slice(7)), 'utf8')) as Manifest;
	return join(layout, 'blobs/sha256', manifest.layers[position - 1]!.digest.slice(7));
};
