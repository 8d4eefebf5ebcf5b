import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {parseMountinfo} from '../../../src/host/proc/mountinfo.ts';
import {overlayLayers, overlaySupport, topmountAt} from '../../../src/host/proc/overlay.ts';

// Captured on this machine (Linux 6.18) after the layers lesson's mount, once with absolute and once with relative paths.
const mountinfo = [
	'27 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro',
	'61 27 0:51 / /var/tmp/lay/L/merged rw,relatime shared:30 - overlay overlay rw,lowerdir=/var/tmp/lay/L/2:/var/tmp/lay/L/1,upperdir=/var/tmp/lay/L/upper,workdir=/var/tmp/lay/L/work',
	'62 61 0:52 / /var/tmp/lay/L/merged rw,relatime - overlay overlay rw,lowerdir=L/2:L/1,upperdir=L/upper,workdir=L/work,uuid=on',
].join('\n');

test('an overlay\'s layers come from its filesystem options, top layer first', t => {
	const [root, overlay] = parseMountinfo(mountinfo);
	t.is(root!.superOptions, 'rw,errors=remount-ro');
	t.deepEqual(overlayLayers(overlay!), {lower: ['/var/tmp/lay/L/2', '/var/tmp/lay/L/1'], upper: '/var/tmp/lay/L/upper', work: '/var/tmp/lay/L/work'});
	t.is(overlayLayers(root!), undefined, 'ext4 has no layers');
});

test('the mount seen at a path is the last one mounted there', t => {
	const top = topmountAt(parseMountinfo(mountinfo), '/var/tmp/lay/L/merged');
	t.is(top?.id, 62);
	t.deepEqual(overlayLayers(top!)?.lower, ['L/2', 'L/1']);
});

test('an escaped colon or comma stays in its path; lowerdir+= adds one layer each', t => {
	const [mount] = parseMountinfo(String.raw`70 27 0:60 / /m rw - overlay overlay rw,lowerdir+=/l/a\:b,lowerdir+=/l/c\,d,upperdir=/u,workdir=/w`);
	t.deepEqual(overlayLayers(mount!), {lower: ['/l/a:b', '/l/c,d'], upper: '/u', work: '/w'});
});

test('a read-only overlay has layers and no upper directory', t => {
	const [mount] = parseMountinfo('71 27 0:61 / /ro ro - overlay overlay ro,lowerdir=/l/2:/l/1');
	t.deepEqual(overlayLayers(mount!), {lower: ['/l/2', '/l/1']});
});

test('overlay support: listed by the kernel, a module on disk, or missing', t => {
	const root = mkdtempSync(join(tmpdir(), 'rootcamp-overlay-'));
	t.teardown(() => {
		rmSync(root, {recursive: true, force: true});
	});
	mkdirSync(join(root, 'proc/sys/kernel'), {recursive: true});
	writeFileSync(join(root, 'proc/sys/kernel/osrelease'), '6.1.0-test\n');
	writeFileSync(join(root, 'proc/filesystems'), 'nodev\ttmpfs\nnodev\toverlay\n');
	const at = {proc: join(root, 'proc'), modules: join(root, 'modules')};
	t.is(overlaySupport(at), 'loaded');
	writeFileSync(join(root, 'proc/filesystems'), 'nodev\ttmpfs\n\text4\n');
	t.is(overlaySupport(at), 'missing');
	mkdirSync(join(root, 'modules/6.1.0-test/kernel/fs/overlayfs'), {recursive: true});
	writeFileSync(join(root, 'modules/6.1.0-test/kernel/fs/overlayfs/overlay.ko.xz'), '');
	t.is(overlaySupport(at), 'module');
});
