import test from 'ava';
import {decodeMountPath, parseMountinfo, readMountinfo} from '../../../src/host/proc/mountinfo.ts';
import {procFixture} from '../../helpers/proc-fixture.ts';

const parses = test.macro({
	exec(t, line: string, expected: Partial<ReturnType<typeof parseMountinfo>[number]> | undefined) {
		const [mount] = parseMountinfo(line);
		if (expected === undefined) {
			t.is(mount, undefined);
		} else {
			t.like(mount, expected);
		}
	},
	title: (given, line: string) => given ?? line,
});

test('plain proc mount', parses, '120 119 0:50 / /proc rw,nosuid - proc proc rw', {id: 120, parent: 119, target: '/proc', fstype: 'proc', source: 'proc', options: 'rw,nosuid'});
test('optional fields before the dash', parses, '26 1 254:0 / / rw,relatime shared:1 master:2 - ext4 /dev/vda rw', {target: '/', fstype: 'ext4', source: '/dev/vda'});
test('octal escapes in the mount point', parses, String.raw`90 26 254:0 / /mnt/with\040space\011tab rw - ext4 /dev/vda rw`, {target: '/mnt/with space\ttab'});
test('octal escapes in the source', parses, String.raw`91 26 0:60 / /x rw - fuse my\134src rw`, {source: String.raw`my\src`});
test('a line without the dash is skipped', parses, '91 26 0:60 / /x rw', undefined);
test('an empty line is skipped', parses, '', undefined);

test('decodeMountPath leaves plain text alone', t => {
	t.is(decodeMountPath('/ubunturoot/proc'), '/ubunturoot/proc');
});

test('several lines keep their order', t => {
	const mounts = parseMountinfo('1 0 0:1 / / rw - ext4 a rw\n2 1 0:2 / /proc rw - proc proc rw\n\n');
	t.deepEqual(mounts.map(mount => mount.target), ['/', '/proc']);
});

test('readMountinfo reads a process\'s table, relative to its root', async t => {
	const proc = await procFixture(t, 'proc-container');
	const mounts = await readMountinfo(201, {proc});
	t.deepEqual(mounts.map(mount => [mount.target, mount.fstype]), [['/proc', 'proc'], ['/tmp', 'tmpfs']]);
});

test('readMountinfo reads self', async t => {
	const proc = await procFixture(t, 'proc-container');
	const mounts = await readMountinfo('self', {proc});
	t.true(mounts.some(mount => mount.target === '/ubunturoot/mnt/with space'));
});

test('readMountinfo of a vanished process rejects', async t => {
	const proc = await procFixture(t, 'proc-container');
	await t.throwsAsync(readMountinfo(99_999, {proc}));
});

test('readMountinfo reads the real /proc/self', async t => {
	const mounts = await readMountinfo('self');
	t.true(mounts.some(mount => mount.target === '/'));
});
