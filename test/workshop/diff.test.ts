import {readFileSync} from 'node:fs';
import test from 'ava';
import {parseIpJson} from '../../src/host/links.ts';
import type {ContainerInfo, Mount} from '../../src/host/types.ts';
import type {Snapshot} from '../../src/workshop/api.ts';
import {describeChanges} from '../../src/workshop/diff.ts';

const ip = (name: string) => parseIpJson(readFileSync(new URL(`../fixtures/ip/${name}.json`, import.meta.url), 'utf8'));
const hostBefore = ip('host-veth').filter(link => !link.name.startsWith('veth'));
const mount = (target: string, fstype: string): Mount => ({id: 1, parent: 0, target, fstype, source: fstype, options: 'rw'});
const shell = (own: ContainerInfo['own'], pid = 24_915): ContainerInfo => ({pid, root: '/ubunturoot', own, command: '/bin/bash', startTime: pid});
const withNet = shell(['pid', 'mnt', 'net']);
const lo = ip('container-moved').filter(link => link.name === 'lo');

const empty: Snapshot = {container: null, containerMounts: [], hostMounts: [], hostLinks: hostBefore, containerLinks: [], files: {}, packages: [], aptLists: 0};
const snap = (patch: Partial<Snapshot>): Snapshot => ({...empty, ...patch});

const describes = test.macro({
	exec(t, before: Partial<Snapshot>, after: Partial<Snapshot>, expected: string[]) {
		const changes = describeChanges(snap(before), snap(after), {rootfs: '/ubunturoot'});
		t.deepEqual(changes.map(change => `${change.sign} ${change.text}`), expected);
	},
	title: given => `${given}`,
});

test('nothing changed', describes, {}, {}, []);
test('the container starts', describes, {}, {container: shell(['pid', 'mnt'])}, ['+ container started: pid 24915 with its own pid, mnt namespaces']);
test('the container ends', describes, {container: shell(['pid', 'mnt'])}, {}, ['- container (pid 24915) ended']);
test('a new container replaces the old', describes, {container: shell(['pid', 'mnt'])}, {container: shell(['pid', 'mnt', 'net'], 25_000)}, [
	'- container (pid 24915) ended',
	'+ container started: pid 25000 with its own pid, mnt, net namespaces',
]);
test('proc mounted inside', describes, {container: shell(['pid', 'mnt'])}, {container: shell(['pid', 'mnt']), containerMounts: [mount('/proc', 'proc')]}, [
	'+ proc mounted on /proc (container only; host mounts unchanged)',
]);
test('proc mounted without a mount namespace shows on the host once', describes, {container: shell(['pid'])}, {container: shell(['pid']), containerMounts: [mount('/proc', 'proc')], hostMounts: [mount('/ubunturoot/proc', 'proc')]}, [
	'+ proc mounted on /proc (also on the host at /ubunturoot/proc: the container shares the host\'s mount namespace)',
]);
test('proc unmounted inside', describes, {container: shell(['pid', 'mnt']), containerMounts: [mount('/proc', 'proc')]}, {container: shell(['pid', 'mnt'])}, ['- proc unmounted from /proc (container)']);
test('a host mount left under the rootfs goes away', describes, {hostMounts: [mount('/ubunturoot/proc', 'proc')]}, {}, ['- proc unmounted from /ubunturoot/proc (on the host)']);
test('the pair is created', describes, {}, {hostLinks: ip('host-veth')}, [
	'+ vethCont created on the host (veth, peer vethHost)',
	'+ vethHost created on the host (veth, peer vethCont)',
]);
test('vethHost goes up', describes, {hostLinks: ip('host-veth')}, {hostLinks: ip('host-veth').map(link => (link.name === 'vethHost' ? {...link, up: true} : link))}, ['~ vethHost: DOWN → UP']);
test('vethCont moves into the container', describes, {container: withNet, hostLinks: ip('host-veth'), containerLinks: lo}, {container: withNet, hostLinks: ip('host-moved'), containerLinks: ip('container-moved')}, [
	'~ vethCont moved: host → container netns (pid 24915), now DOWN',
	'~ vethHost: DOWN → UP',
]);
test('an address is added inside, link-local ones are ignored', describes, {container: withNet, containerLinks: ip('container-moved')}, {container: withNet, containerLinks: ip('container-moved').map(link => (link.name === 'vethCont' ? {...link, up: true, addresses: ['10.0.0.2/24', 'fe80::1/64']} : link))}, [
	'~ vethCont: DOWN → UP',
	'+ vethCont: address 10.0.0.2/24 added',
]);
test('the container ends and takes its links along', describes, {container: withNet, hostLinks: ip('host-moved'), containerLinks: ip('container-moved')}, {}, [
	'- container (pid 24915) ended',
	'- vethHost removed from the host',
	'- vethCont gone with the container\'s network namespace (pid 24915)',
]);
test('a container sharing the host\'s netns reports no container links', describes, {container: shell(['pid', 'mnt']), hostLinks: ip('host-veth'), containerLinks: ip('host-veth')}, {container: shell(['pid', 'mnt']), hostLinks: ip('host-veth'), containerLinks: ip('host-veth')}, []);
test('tmp created sticky', describes, {files: {'/ubunturoot/tmp': null}}, {files: {'/ubunturoot/tmp': {type: 'dir', mode: '1777', size: 4096}}}, ['+ /ubunturoot/tmp created (dir, mode 1777)']);
test('tmp gets +t', describes, {files: {'/ubunturoot/tmp': {type: 'dir', mode: '0777', size: 4096}}}, {files: {'/ubunturoot/tmp': {type: 'dir', mode: '1777', size: 4096}}}, ['~ /ubunturoot/tmp mode 0777 → 1777']);
test('the tarball appears', describes, {files: {'/root/.cache/rootcamp/ubuntu_root.tar': null}}, {files: {'/root/.cache/rootcamp/ubuntu_root.tar': {type: 'file', mode: '0644', size: 207 * 1024 * 1024}}}, ['+ /root/.cache/rootcamp/ubuntu_root.tar (207 MB)']);
test('resolv.conf written', describes, {files: {'/ubunturoot/etc/resolv.conf': {type: 'file', mode: '0644', size: 0, preview: ''}}}, {files: {'/ubunturoot/etc/resolv.conf': {type: 'file', mode: '0644', size: 20, preview: 'nameserver 10.0.0.1\n'}}}, [
	'~ /ubunturoot/etc/resolv.conf changed (empty → nameserver 10.0.0.1)',
]);
test('resolv.conf symlink replaced by a file', describes, {files: {'/ubunturoot/etc/resolv.conf': {type: 'symlink', mode: '0777', size: 39, target: '../run/systemd/resolve/stub-resolv.conf'}}}, {files: {'/ubunturoot/etc/resolv.conf': {type: 'file', mode: '0644', size: 20, preview: 'nameserver 10.0.0.1\n'}}}, [
	'~ /ubunturoot/etc/resolv.conf: symlink (→ ../run/systemd/resolve/stub-resolv.conf) → file (nameserver 10.0.0.1)',
]);
test('a big file grows', describes, {files: {'/x': {type: 'file', mode: '0644', size: 2048}}}, {files: {'/x': {type: 'file', mode: '0644', size: 4096}}}, ['~ /x changed (2.0 KB → 4.0 KB)']);
test('a file removed', describes, {files: {'/x': {type: 'file', mode: '0644', size: 1}}}, {files: {'/x': null}}, ['- /x removed']);
test('a directory\'s size is not news', describes, {files: {'/ubunturoot': {type: 'dir', mode: '0755', size: 4096}}}, {files: {'/ubunturoot': {type: 'dir', mode: '0755', size: 8192}}}, []);
test('a path watched only afterwards is not compared', describes, {}, {files: {'/x': {type: 'file', mode: '0644', size: 1}}}, []);
test('apt-get update', describes, {aptLists: 0}, {aptLists: 4}, ['+ apt lists downloaded (4 index files)']);
test('apt-get install, few packages', describes, {packages: ['apt', 'bash']}, {packages: ['apt', 'bash', 'iproute2', 'vim']}, ['+ 2 packages installed in the rootfs: iproute2, vim']);
test('apt-get install, many: libraries listed last', describes, {packages: ['apt']}, {packages: ['apt', 'iproute2', 'libbpf1', 'libcap2-bin', 'libelf1', 'libmnl0', 'vim', 'vim-common', 'vim-runtime', 'xxd']}, [
	'+ 9 packages installed in the rootfs: iproute2, vim, vim-common, vim-runtime, xxd, libbpf1 and 3 more',
]);
test('the rootfs is unpacked', describes, {}, {packages: ['apt', 'bash']}, ['+ the rootfs now has 2 installed packages (a dpkg database appeared)']);
test('a package removed', describes, {packages: ['apt', 'vim']}, {packages: ['apt']}, ['- 1 package removed from the rootfs: vim']);

test('sections come in order: container, mounts, links, files, packages', t => {
	const before = snap({files: {'/ubunturoot/tmp': null}});
	const after = snap({
		container: shell(['pid', 'mnt']),
		hostMounts: [mount('/ubunturoot/proc', 'proc')],
		hostLinks: ip('host-veth'),
		files: {'/ubunturoot/tmp': {type: 'dir', mode: '1777', size: 1}},
		packages: ['vim'],
		aptLists: 2,
	});
	const texts = describeChanges(before, after, {rootfs: '/ubunturoot'}).map(change => change.text.split(' ')[0]);
	t.deepEqual(texts, ['container', 'proc', 'vethCont', 'vethHost', '/ubunturoot/tmp', 'apt', 'the']);
});
