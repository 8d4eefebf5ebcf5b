import {readFileSync} from 'node:fs';
import test from 'ava';
import {parseIpJson} from '../../src/host/net/links.ts';
import type {Neighbor} from '../../src/host/net/neighbors.ts';
import type {IpRoute} from '../../src/host/net/routes.ts';
import type {ContainerInfo, Mount} from '../../src/host/types.ts';
import type {FileFact, Snapshot} from '../../src/workshop/api.ts';
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
test('the tarball appears', describes, {files: {'/root/.cache/rootcamp/ubuntu_root.tar': null}}, {files: {'/root/.cache/rootcamp/ubuntu_root.tar': {type: 'file', mode: '0644', size: 207 * 1024 * 1024}}}, ['+ /root/.cache/rootcamp/ubuntu_root.tar (217 MB)']);
test('resolv.conf written', describes, {files: {'/ubunturoot/etc/resolv.conf': {type: 'file', mode: '0644', size: 0, preview: ''}}}, {files: {'/ubunturoot/etc/resolv.conf': {type: 'file', mode: '0644', size: 20, preview: 'nameserver 10.0.0.1\n'}}}, [
	'~ /ubunturoot/etc/resolv.conf changed (empty → nameserver 10.0.0.1)',
]);
test('resolv.conf symlink replaced by a file', describes, {files: {'/ubunturoot/etc/resolv.conf': {type: 'symlink', mode: '0777', size: 39, target: '../run/systemd/resolve/stub-resolv.conf'}}}, {files: {'/ubunturoot/etc/resolv.conf': {type: 'file', mode: '0644', size: 20, preview: 'nameserver 10.0.0.1\n'}}}, [
	'~ /ubunturoot/etc/resolv.conf: symlink (→ ../run/systemd/resolve/stub-resolv.conf) → file (nameserver 10.0.0.1)',
]);
test('a big file grows', describes, {files: {'/x': {type: 'file', mode: '0644', size: 2048}}}, {files: {'/x': {type: 'file', mode: '0644', size: 4096}}}, ['~ /x changed (2.0 kB → 4.1 kB)']);
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

const route = (dst: string, dev: string, gateway?: string): IpRoute => ({dst, dev, type: 'unicast', table: 'main', ...(gateway === undefined ? {} : {gateway}), ...(gateway === undefined ? {protocol: 'kernel'} : {})});
const neighbor = (address: string, dev: string, lladdr: string): Neighbor => ({address, dev, lladdr, state: ['REACHABLE']});
const wired = {container: withNet, routes: {host: [route('10.200.0.0/30', 'vethHost')], container: [route('10.200.0.0/30', 'vethCont')]}, neighbors: {host: [], container: []}};

test('the host\'s end gets its subnet route', describes, {container: withNet, routes: {host: [], container: []}}, {container: withNet, routes: {host: [route('10.200.0.0/30', 'vethHost')], container: []}}, [
	'+ route to 10.200.0.0/30 dev vethHost on the host (added by the kernel with the address)',
]);
test('a default route inside', describes, wired, {...wired, routes: {...wired.routes, container: [...wired.routes.container, route('default', 'vethCont', '10.200.0.1')]}}, [
	'+ default route via 10.200.0.1 dev vethCont in the container',
]);
test('a route removed inside', describes, {...wired, routes: {...wired.routes, container: [route('default', 'vethCont', '10.200.0.1')]}}, {...wired, routes: {...wired.routes, container: []}}, [
	'- default route via 10.200.0.1 dev vethCont gone from the container',
]);
test('the container\'s routes count only within one shell with its own network', describes, {...wired, container: shell(['pid', 'mnt', 'net'], 1)}, wired, [
	'- container (pid 1) ended',
	'+ container started: pid 24915 with its own pid, mnt, net namespaces',
]);
test('a ping teaches both ends each other\'s MAC address', describes, wired, {...wired, neighbors: {host: [neighbor('10.200.0.2', 'vethHost', 'a6:5e:05:ab:13:38')], container: [neighbor('10.200.0.1', 'vethCont', '12:a5:24:5b:e8:27')]}}, [
	'+ the host learned 10.200.0.2\'s MAC address on vethHost (ARP): a6:5e:05:ab:13:38',
	'+ the container learned 10.200.0.1\'s MAC address on vethCont (ARP): 12:a5:24:5b:e8:27',
]);
test('a state change of a known neighbour is not news', describes, {...wired, neighbors: {host: [neighbor('10.200.0.2', 'vethHost', 'a6')], container: []}}, {...wired, neighbors: {host: [{...neighbor('10.200.0.2', 'vethHost', 'a6'), state: ['STALE']}], container: []}}, []);
test('older snapshots without network facts compare quietly', describes, {container: withNet}, wired, []);

const uts = shell(['pid', 'mnt', 'net', 'uts']);
test('exec unshare --uts: the same shell, a new namespace', describes, {container: withNet, hostnames: {host: 'vm', container: 'vm'}}, {container: uts, hostnames: {host: 'vm', container: 'vm'}}, [
	'~ the container\'s shell (pid 24915, same process) now has its own uts namespace',
]);
test('the container is renamed, the host is not', describes, {container: uts, hostnames: {host: 'vm', container: 'vm'}}, {container: uts, hostnames: {host: 'vm', container: 'rootcamp'}}, [
	'~ the container\'s hostname: vm → rootcamp (the host is still vm)',
]);
test('hostname without a UTS namespace renames the host', describes, {container: withNet, hostnames: {host: 'vm', container: 'vm'}}, {container: withNet, hostnames: {host: 'rootcamp', container: 'rootcamp'}}, [
	'~ the host\'s hostname: vm → rootcamp (the container shares the host\'s UTS namespace)',
]);

const dir: FileFact = {type: 'dir', mode: '0755', size: 40};
const charNode = (rdev: string): FileFact => ({type: 'other', mode: '0666', size: 0, special: 'char', rdev});
const devTmpfs = mount('/dev', 'tmpfs');
test('a tmpfs on /dev hides what the rootfs had there', describes, {container: withNet, containerDev: [{name: 'console', fact: charNode('5:1')}, {name: 'null', fact: charNode('1:3')}]}, {container: withNet, containerMounts: [devTmpfs], containerDev: []}, [
	'+ tmpfs mounted on /dev (container only; host mounts unchanged)',
	'- hidden by the new mount on /dev: console, null',
]);
test('nodes made on the container\'s tmpfs', describes, {container: withNet, containerMounts: [devTmpfs], containerDev: []}, {container: withNet, containerMounts: [devTmpfs], containerDev: [{name: 'null', fact: charNode('1:3')}, {name: 'pts', fact: dir}, {name: 'ptmx', fact: {type: 'symlink', mode: '0777', size: 8, target: 'pts/ptmx'}}]}, [
	'+ /dev/null: character device 1:3, mode 0666 (on the container\'s tmpfs, not on disk)',
	'+ /dev/pts: directory (on the container\'s tmpfs, not on disk)',
	'+ /dev/ptmx: symlink → pts/ptmx (on the container\'s tmpfs, not on disk)',
]);
test('`> /dev/null` without a node writes a file on disk', describes, {container: withNet, containerDev: []}, {container: withNet, containerDev: [{name: 'null', fact: {type: 'file', mode: '0644', size: 3, preview: 'hi\n'}}]}, [
	'+ /dev/null: regular file (hi) (in the rootfs, on disk)',
]);
test('a file replaced by a node', describes, {container: withNet, containerMounts: [devTmpfs], containerDev: [{name: 'null', fact: {type: 'file', mode: '0644', size: 0, preview: ''}}]}, {container: withNet, containerMounts: [devTmpfs], containerDev: [{name: 'null', fact: charNode('1:3')}]}, [
	'~ /dev/null: regular file (empty) → character device 1:3, mode 0666',
]);
test('a node removed', describes, {container: withNet, containerDev: [{name: 'zero', fact: charNode('1:5')}]}, {container: withNet, containerDev: []}, ['- gone from the container\'s /dev: zero']);
