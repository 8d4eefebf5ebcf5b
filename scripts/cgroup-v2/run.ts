/**
 * `npm run test:cgroup-v2`: the control-group tests on a real cgroup v2 kernel. This machine is
 * cgroup v1, as some learners' hosts are; most are v2 only. So: Debian's own kernel, booted in
 * QEMU with `cgroup_no_v1=all` and no systemd (a v2-only host whose root hands down nothing
 * until the lesson says so), on this machine's own userland, shared read-only over 9p with a
 * tmpfs on top inside the guest (writes never reach this machine). The guest runs the tests as
 * root, its console is streamed here, and this exits with their status.
 *
 * The kernel package is fetched once with apt (`apt-get download`, never installed); its vmlinuz
 * and the modules the guest needs are kept in ~/.cache/rootcamp-dev/guest-kernel. The initramfs is
 * built in a temporary folder and removed.
 * TCG (pure emulation) by default: a KVM guest hangs at boot on the VMs this runs on; set
 * ROOTCAMP_GUEST_KVM=1 where KVM works.
 */
import {execFileSync, spawn} from 'node:child_process';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {homedir, tmpdir} from 'node:os';
import {join, resolve} from 'node:path';

const repo = resolve(import.meta.dirname, '../..');
const tests = [
	'test/workshop/limits.privileged.test.ts',
	'test/workshop/remove-cgroup.test.ts',
	'test/workshop/doctor.test.ts',
	'test/check/cgroup.test.ts',
	'test/host/cgroup/cgroup.test.ts',
	'test/workshop/faas-handler.privileged.test.ts',
	'test/sandbox/limits.privileged.test.ts',
];
/** What the initramfs loads to reach the shared folder (and veth, which the lessons' links need). */
const wanted = ['virtio_pci', '9pnet_virtio', '9p', 'overlay', 'veth'];
const marker = /ROOTCAMP-GUEST-EXIT=(\d+)/;
const timeoutMs = 20 * 60_000;
/**
 * How long the guest may take to reach its stage two (the `rootcamp-guest:` lines). It takes about
 * 20 s here; once in a while a TCG guest hangs before that with no output at all (seen here once in
 * a few boots), and then it is booted again rather than left to the 20 minutes above.
 */
const bootMs = 3 * 60_000;
const boots = 3;
/** What `boot` resolves with when the guest never reached its stage two. */
const hung = -1;

const run = (file: string, args: string[], options: {cwd?: string} = {}) => execFileSync(file, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...options});

/**
 * Debian's kernel image package for this release, fetched once: the cache keeps its vmlinuz and
 * the modules the guest loads (a few hundred KB of the package's 400 MB unpacked).
 */
function guestKernel(): {name: string; vmlinuz: string; modules: string} {
	const depends = run('apt-cache', ['depends', 'linux-image-amd64']);
	const name = /Depends: (linux-image-\S+)/.exec(depends)?.[1];
	if (!name) {
		throw new Error(`apt knows no linux-image-amd64 package: run apt-get update (apt-cache said: ${depends.trim()})`);
	}

	const cache = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rootcamp-dev', 'guest-kernel');
	const kept = join(cache, `${name}-guest`);
	if (!existsSync(kept)) {
		mkdirSync(cache, {recursive: true});
		const download = mkdtempSync(join(cache, '.download-'));
		try {
			console.log(`rootcamp: fetching ${name} with apt-get download (once)`);
			run('apt-get', ['download', name], {cwd: download});
			const deb = readdirSync(download).find(file => file.endsWith('.deb'))!;
			const tree = join(download, 'tree');
			run('dpkg-deb', ['-x', join(download, deb), tree]);
			const vmlinuz = readdirSync(join(tree, 'boot')).find(file => file.startsWith('vmlinuz-'))!;
			const files = moduleFiles(join(tree, 'lib/modules', vmlinuz.slice('vmlinuz-'.length), 'kernel'));
			const staged = join(download, 'kept');
			mkdirSync(join(staged, 'modules'), {recursive: true});
			copyFileSync(join(tree, 'boot', vmlinuz), join(staged, 'vmlinuz'));
			for (const module of loadOrder(files)) {
				copyFileSync(files.get(module)!, join(staged, 'modules', `${module}.ko`));
			}

			renameSync(staged, kept);
		} finally {
			rmSync(download, {recursive: true, force: true});
		}
	}

	return {name, vmlinuz: join(kept, 'vmlinuz'), modules: join(kept, 'modules')};
}

/** Every `.ko` under the kernel's module tree, by module name (`-` and `_` are the same to the kernel). */
function moduleFiles(dir: string, found = new Map<string, string>()): Map<string, string> {
	for (const entry of readdirSync(dir, {withFileTypes: true})) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) {
			moduleFiles(path, found);
		} else if (entry.name.endsWith('.ko')) {
			found.set(entry.name.slice(0, -3).replaceAll('-', '_'), path);
		}
	}

	return found;
}

/** A module's `depends=` from its .modinfo section (busybox's insmod does not resolve them). */
function dependsOf(file: string): string[] {
	const text = readFileSync(file).toString('latin1');
	const at = text.indexOf('\0depends=');
	return at === -1 ? [] : text.slice(at + '\0depends='.length, text.indexOf('\0', at + 1)).split(',').filter(Boolean);
}

/** The modules to load, each after what it depends on. */
function loadOrder(files: Map<string, string>): string[] {
	const order: string[] = [];
	const visit = (name: string) => {
		if (order.includes(name)) {
			return;
		}

		const file = files.get(name);
		if (!file) {
			throw new Error(`the guest kernel has no module ${name}`);
		}

		for (const dependency of dependsOf(file)) {
			visit(dependency);
		}

		order.push(name);
	};

	for (const name of wanted) {
		visit(name);
	}

	return order;
}

/** A gzipped newc cpio with the static busybox, the modules and stage one as /init. */
function buildInitramfs(modulesDir: string, dir: string): string {
	const root = join(dir, 'root');
	mkdirSync(join(root, 'bin'), {recursive: true});
	mkdirSync(join(root, 'lib/modules'), {recursive: true});
	for (const name of ['dev', 'proc', 'sys']) {
		mkdirSync(join(root, name));
	}

	copyFileSync('/bin/busybox', join(root, 'bin/busybox'));
	copyFileSync(join(import.meta.dirname, 'init.sh'), join(root, 'init'));
	const files = moduleFiles(modulesDir);
	const order = loadOrder(files);
	for (const name of order) {
		copyFileSync(files.get(name)!, join(root, 'lib/modules', `${name}.ko`));
	}

	writeFileSync(join(root, 'modules'), `${order.join('\n')}\n`);
	const initramfs = join(dir, 'initramfs.gz');
	execFileSync('sh', ['-c', `chmod +x init bin/busybox && find . | busybox cpio -o -H newc 2>/dev/null | gzip -1 > ${JSON.stringify(initramfs)}`], {cwd: root});
	return initramfs;
}

/** Boots the guest, streams its console, resolves with the tests' status (or why there is none), or `hung`. */
async function boot(vmlinuz: string, initramfs: string): Promise<number> {
	const kvm = process.env.ROOTCAMP_GUEST_KVM === '1';
	const append = [
		'console=ttyS0', 'quiet', 'panic=-1', 'cgroup_no_v1=all',
		`rootcamp.run=${join(import.meta.dirname, 'guest.sh')}`, `rootcamp.project=${repo}`, `rootcamp.tests=${tests.join(',')}`,
	].join(' ');
	const qemu = spawn('qemu-system-x86_64', [
		...(kvm ? ['-enable-kvm', '-cpu', 'host'] : ['-accel', 'tcg', '-cpu', 'max']),
		'-m', '4096', '-smp', '2', '-display', 'none', '-monitor', 'none', '-serial', 'stdio', '-no-reboot',
		'-kernel', vmlinuz, '-initrd', initramfs, '-append', append,
		'-fsdev', 'local,id=host,path=/,security_model=none,readonly=on,multidevs=remap',
		'-device', 'virtio-9p-pci,fsdev=host,mount_tag=host',
	], {stdio: ['ignore', 'pipe', 'inherit']});
	let tail = '';
	let sawV2 = false;
	let started = false;
	const timer = setTimeout(() => {
		process.stderr.write(`rootcamp: the guest did not finish in ${timeoutMs / 60_000} minutes; ending it\n`);
		qemu.kill('SIGKILL');
	}, timeoutMs);
	const watchdog = setTimeout(() => {
		if (!started) {
			process.stderr.write(`rootcamp: the guest said nothing in ${bootMs / 60_000} minutes: it hung at boot; ending it\n`);
			qemu.kill('SIGKILL');
		}
	}, bootMs);
	qemu.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		process.stdout.write(chunk);
		tail = (tail + chunk).slice(-4096);
		started ||= tail.includes('rootcamp-guest:');
		sawV2 ||= tail.includes('/sys/fs/cgroup is cgroup2fs');
	});
	const code = await new Promise<number | null>(resolve => qemu.once('exit', resolve));
	clearTimeout(timer);
	clearTimeout(watchdog);
	if (!started) {
		return hung;
	}

	const status = marker.exec(tail)?.[1];
	if (status === undefined) {
		process.stderr.write(`rootcamp: the guest ended (qemu exit ${code}) without saying how its tests ended\n`);
		return 1;
	}

	if (!sawV2) {
		process.stderr.write('rootcamp: the guest was not a cgroup v2 host: its tests prove nothing here\n');
		return 1;
	}

	return Number(status);
}

if (/\s/.test(repo)) {
	// The kernel command line carries the path, and splits at spaces.
	throw new Error(`the project's path has a space in it (${repo}): clone it to a path without one`);
}

const {name, vmlinuz, modules} = guestKernel();
console.log(`rootcamp: booting ${name} (cgroup v2 only) on this machine's userland; tests: ${tests.join(' ')}`);
const scratch = mkdtempSync(join(tmpdir(), 'rootcamp-guest-'));
try {
	const initramfs = buildInitramfs(modules, scratch);
	let status = hung;
	for (let attempt = 1; attempt <= boots && status === hung; attempt++) {
		if (attempt > 1) {
			console.log(`rootcamp: booting the guest again (attempt ${attempt} of ${boots})`);
		}

		status = await boot(vmlinuz, initramfs);
	}

	if (status === hung) {
		process.stderr.write(`rootcamp: the guest hung at boot ${boots} times\n`);
	}

	process.exitCode = status === hung ? 1 : status;
} finally {
	rmSync(scratch, {recursive: true, force: true});
}
