import test from 'ava';
import {showsSource, sourceOf} from '../../../src/host/proc/mount-source.ts';
import {parseMountinfo} from '../../../src/host/proc/mountinfo.ts';

const host = parseMountinfo([
	'26 1 254:0 / / rw,relatime - ext4 /dev/vda rw',
	'21 26 0:20 / /proc rw - proc proc rw',
	'50 26 254:16 / /var rw - ext4 /dev/vdb rw',
	'51 50 254:16 /lib/docker /srv/docker rw - ext4 /dev/vdb rw',
].join('\n'));

const locates = test.macro({
	exec(t, path: string, expected: ReturnType<typeof sourceOf>) {
		t.deepEqual(sourceOf(host, path), expected);
	},
	title: (_, path: string) => `sourceOf ${path}`,
});

test(locates, '/ubunturoot', {device: '254:0', root: '/ubunturoot'});
test(locates, '/var/tmp/x/rootfs', {device: '254:16', root: '/tmp/x/rootfs'});
test(locates, '/srv/docker/rootfs', {device: '254:16', root: '/lib/docker/rootfs'});
test(locates, '/var', {device: '254:16', root: '/'});
test(locates, '/variable', {device: '254:0', root: '/variable'});
test('a table without devices locates nothing', t => {
	t.is(sourceOf([{id: 1, parent: 0, target: '/', fstype: 'ext4', source: 'x', options: 'rw'}], '/x'), undefined);
});

const shows = test.macro({
	exec(t, line: string, expected: boolean) {
		t.is(showsSource(parseMountinfo(line)[0]!, {device: '254:0', root: '/var/tmp/x/rootfs'}), expected);
	},
	title: (given, line: string) => `${given}: ${line}`,
});

test('the bind before pivot_root', shows, '84 64 254:0 /var/tmp/x/rootfs /var/tmp/x/rootfs rw - ext4 /dev/vda rw', true);
test('the bind as the jail\'s / after pivot_root', shows, '84 63 254:0 /var/tmp/x/rootfs / rw - ext4 /dev/vda rw', true);
test('the host\'s own /', shows, '26 1 254:0 / / rw - ext4 /dev/vda rw', false);
test('the same path on another device', shows, '90 1 254:16 /var/tmp/x/rootfs /mnt rw - ext4 /dev/vdb rw', false);
