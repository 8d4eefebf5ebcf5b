import test from 'ava';
import {judge, probe, validate, watches, type OverlayData} from '../../src/check/kinds/overlay.ts';
import type {ContainerInfo, Mount} from '../../src/host/types.ts';
import {checkLine} from '../helpers/check-line.ts';
import {expectResult, type Expected} from '../helpers/expect-result.ts';
import {fakeProbes} from '../helpers/fake-probes.ts';
import {validates} from '../helpers/validate-macro.ts';

const line = 'overlay /l/merged lower=/l/2:/l/1 upper=/l/upper';
const overlay = (lower: string[], upper?: string): OverlayData['mount'] => ({fstype: 'overlay', layers: {lower, ...(upper ? {upper} : {})}});
const shell: ContainerInfo = {pid: 42, root: '/l/merged', own: ['pid', 'mnt', 'uts', 'ipc'], command: '/bin/sh', startTime: 7};

const judges = test.macro({
	exec(t, check: string, data: Omit<OverlayData, 'path'>, expected: Expected) {
		expectResult(t, judge(checkLine(check), {path: '/l/merged', ...data}), expected);
	},
	title: given => given ?? '',
});

test('the layers mounted top first, writing to the upper directory', judges, line, {mount: overlay(['/l/2', '/l/1'], '/l/upper')}, {status: 'pass', message: /^\/l\/merged is an overlay of \/l\/2 over \/l\/1 \(top first\), writes to \/l\/upper$/});
test('nothing mounted yet', judges, line, {mount: null}, {status: 'fail', message: /^nothing is mounted on \/l\/merged: mount -t overlay/, actual: 'no mount'});
test('another filesystem on the path', judges, line, {mount: {fstype: 'tmpfs'}}, {status: 'fail', message: /^\/l\/merged is tmpfs, not an overlay: unmount it first \(umount \/l\/merged\)$/, actual: 'tmpfs'});
test('lowerdir bottom first: the image upside down', judges, line, {mount: overlay(['/l/1', '/l/2'], '/l/upper')}, {status: 'fail', message: /^lowerdir lists the layers bottom first, so \/l\/1 hides \/l\/2: the top layer comes first \(lowerdir=\/l\/2:\/l\/1\)/});
test('other layers altogether', judges, line, {mount: overlay(['/x'], '/l/upper')}, {status: 'fail', message: /has other layers \(lowerdir=\/x\)/});
const stack = 'overlay /l/merged lower=/l/3:/l/2:/l/1 upper=/l/upper';
test('an image\'s stack of three layers, top first', judges, stack, {mount: overlay(['/l/3', '/l/2', '/l/1'], '/l/upper')}, {status: 'pass', message: /is an overlay of \/l\/3 over \/l\/2 over \/l\/1 \(top first\)/});
test('three layers out of order', judges, stack, {mount: overlay(['/l/3', '/l/1', '/l/2'], '/l/upper')}, {status: 'fail', message: /^lowerdir lists the layers out of order \(lowerdir=\/l\/3:\/l\/1:\/l\/2\): each layer comes before the one it was built on, top first \(lowerdir=\/l\/3:\/l\/2:\/l\/1\); umount \/l\/merged and mount it again$/});
test('three layers bottom first', judges, stack, {mount: overlay(['/l/1', '/l/2', '/l/3'], '/l/upper')}, {status: 'fail', message: /^lowerdir lists the layers bottom first, so \/l\/1 hides \/l\/3/});
test('an image layer left out', judges, stack, {mount: overlay(['/l/3', '/l/1'], '/l/upper')}, {status: 'fail', message: /^lowerdir leaves out \/l\/2, so what that layer changed is missing from \/l\/merged: mount it with lowerdir=\/l\/3:\/l\/2:\/l\/1$/});
test('another upper directory', judges, line, {mount: overlay(['/l/2', '/l/1'], '/l/upper2')}, {status: 'fail', message: /^the overlay on \/l\/merged writes to \/l\/upper2, not \/l\/upper$/});
test('no upper directory: read-only', judges, line, {mount: overlay(['/l/2', '/l/1'])}, {status: 'fail', message: /has no upperdir, so it is read-only/});
test('shell: none rooted there', judges, `${line} shell`, {mount: null, shell: null}, {status: 'fail', message: /^no shell runs with \/l\/merged as its root: in a second terminal, unshare --pid --mount --uts --ipc --fork chroot \/l\/merged \/bin\/sh/});
test('shell: started before the overlay was mounted', judges, `${line} shell`, {mount: {fstype: 'ext4'}, shell}, {status: 'fail', message: /^the shell's \/ \(pid 42\) is ext4, not an overlay: the shell was started before the overlay was mounted; exit it and start it again$/});
test('shell: its / is the overlay', judges, `${line} shell`, {mount: overlay(['/l/2', '/l/1'], '/l/upper'), shell}, {status: 'pass', message: /^the shell's \/ \(pid 42\) is an overlay of \/l\/2 over \/l\/1/});

const mount = (target: string, superOptions: string, fstype = 'overlay'): Mount => ({id: 1, parent: 0, target, fstype, source: fstype, options: 'rw', superOptions});

test('probe: the host\'s topmost mount at the path', async t => {
	const probes = fakeProbes({hostMounts: async () => [mount('/l/merged', 'rw', 'tmpfs'), mount('/l/merged', 'rw,lowerdir=/l/2:/l/1,upperdir=/l/upper,workdir=/l/work')]});
	t.deepEqual(await probe(checkLine(line), probes), {path: '/l/merged', mount: {fstype: 'overlay', layers: {lower: ['/l/2', '/l/1'], upper: '/l/upper', work: '/l/work'}}});
});

test('probe: with shell, the mount at the layered shell\'s own /, and only a shell rooted at the path', async t => {
	const probes = fakeProbes({layered: async () => shell, layeredMounts: async () => [mount('/', 'rw,lowerdir=/l/2:/l/1,upperdir=/l/upper,workdir=/l/work')]});
	t.like(await probe(checkLine(`${line} shell`), probes), {shell: {pid: 42}, mount: {fstype: 'overlay'}});
	const elsewhere = fakeProbes({layered: async () => ({...shell, root: '/somewhere'}), layeredMounts: async () => []});
	t.deepEqual(await probe(checkLine(`${line} shell`), elsewhere), {path: '/l/merged', shell: null, mount: null});
});

test('watches: the layered shell with shell, and the upper directory', t => {
	t.deepEqual(watches(checkLine(`${line} shell`)), {shells: ['layered'], paths: ['/l/upper']});
	t.deepEqual(watches(checkLine('overlay /l/merged')), {paths: []});
});

const invalid = validates(validate);
test(invalid, line, undefined);
test(invalid, 'overlay', /mount point/);
test(invalid, 'overlay /a /b', /takes one path, got 2 words/);
test(invalid, 'overlay /a lower=2:1', /`2` must be an absolute path/);
test(invalid, 'overlay /a top=/x', /unknown option|top/);
