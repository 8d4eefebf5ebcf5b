import test from 'ava';
import {countAptLists, isAptIndex} from '../../../src/host/rootfs/apt-lists.ts';

const rootfs = new URL('../../fixtures/rootfs-apt', import.meta.url).pathname;

const index = test.macro({
	exec(t, name: string, expected: boolean) {
		t.is(isAptIndex(name), expected);
	},
	title: (_, name: string, expected: boolean) => `${name} ${expected ? 'is' : 'is not'} an index`,
});

test(index, 'archive.ubuntu.com_ubuntu_dists_noble_InRelease', true);
test(index, 'archive.ubuntu.com_ubuntu_dists_noble_main_binary-amd64_Packages.lz4', true);
test(index, 'archive.ubuntu.com_ubuntu_dists_noble_main_binary-amd64_Packages', true);
test(index, 'deb.debian.org_debian_dists_bookworm_Release', true);
test(index, 'deb.debian.org_debian_dists_bookworm_Release.gpg', false);
test(index, 'lock', false);
test(index, 'archive.ubuntu.com_ubuntu_dists_noble_main_i18n_Translation-en.lz4', false);

test('counts top-level index files, not lock, partial/ or signatures', async t => {
	t.is(await countAptLists(rootfs), 4);
});

test('no lists directory is zero', async t => {
	t.is(await countAptLists('/nonexistent-rootcamp-rootfs'), 0);
});
