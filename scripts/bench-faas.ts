// The faas lesson's benchmark: the cold start of one request to the lesson's own service (its
// function and its last handler, read from lessons/13-faas.md: a fresh overlay, five namespaces,
// a control group of its own), from connecting to its socket to its answer, against `runc run` of
// the same rootfs running /bin/true, in alternating pairs. Needs root, socat and runc.
import {spawn, spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, rmdirSync, writeFileSync} from 'node:fs';
import {join, resolve} from 'node:path';
import {performance} from 'node:perf_hooks';
import {readCgroupHierarchy, readSubtreeControl} from '../src/host/cgroup/cgroup.ts';
import {openRequest} from '../src/host/faas/client.ts';

const repo = resolve(import.meta.dirname, '..');

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const sh = (script: string) => {
	const result = spawnSync('sh', ['-e', '-c', script], {encoding: 'utf8'});
	if (result.status !== 0) {
		throw new Error(`${script.split('\n')[0]}…: ${result.stderr}`);
	}
};

/** The lesson's function, and its handler for this host's kind of hierarchy, with their variables filled. */
const lessonScripts = (variables: Record<string, string>, version: 'v1' | 'v2') => {
	const text = readFileSync(join(repo, 'lessons/13-faas.md'), 'utf8');
	const fill = (script: string) => script.replaceAll(/{{(\w+)}}/g, (_, name: string) => variables[name] ?? `{{${name}}}`);
	const heredoc = (file: string, from: string) => new RegExp(`cat > {{workdir}}/faas/${file}(?:\\.new)? <<'EOF'\\n([\\s\\S]*?)\\nEOF\\n`).exec(from)?.[1];
	const limits = new RegExp(`\`\`\`sh host cgroup=${version}\\n([\\s\\S]*?)\`\`\``).exec(text.slice(text.indexOf('{#limits}')))?.[1] ?? '';
	const fn = heredoc('fn/function', text);
	const handler = heredoc('handler', limits);
	if (fn === undefined || handler === undefined) {
		throw new Error('lessons/13-faas.md has no function or no limits handler for this hierarchy');
	}

	return {fn: fill(fn), handler: fill(handler)};
};

/** ms from connecting to the socket until the function's first line of answer has arrived. */
const oneRequest = async (socket: string): Promise<number> => {
	const start = performance.now();
	const exchange = openRequest(socket, 'bench');
	const answered = await exchange.waitFor(text => text.includes('\n'), 10_000);
	const elapsed = performance.now() - start;
	await exchange.hangUp(10_000);
	exchange.drop();
	if (!answered || !exchange.text().startsWith('unknown request: bench')) {
		throw new Error(`the faas service answered ${JSON.stringify(exchange.text())} ${exchange.error() ?? ''}`);
	}

	return elapsed;
};

/** ms for `runc run` of the bundle (its process ends with /bin/true); the container is deleted however it ended. */
const oneRunc = (bundle: string, name: string): number => {
	const start = performance.now();
	const run = spawnSync('runc', ['run', '--bundle', bundle, name], {encoding: 'utf8'});
	const elapsed = performance.now() - start;
	spawnSync('runc', ['delete', '--force', name]);
	if (run.status !== 0) {
		throw new Error(`runc run failed: ${run.stderr}`);
	}

	return elapsed;
};

/** Runs the faas bench in `dir` (a scratch folder the caller removes) and prints one line in bench.ts's format. */
export async function benchFaas(dir: string, runs: number): Promise<void> {
	const hierarchy = readCgroupHierarchy();
	const missing = ['socat', 'runc'].filter(tool => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
	if (hierarchy.version === 'none' || hierarchy.base === undefined || missing.length > 0) {
		console.log(`skip faas request vs runc run               ${missing.length > 0 ? `${missing.join(' and ')} missing` : 'no usable control groups'}`);
		return;
	}

	const {base} = hierarchy;
	const groups = hierarchy.version === 'v2' ? [join(base, 'faas')] : [join(base, 'pids/faas'), join(base, 'memory/faas')];
	if (groups.some(group => existsSync(group))) {
		console.log('skip faas request vs runc run               the control group faas is in use (a faas lesson runs on this host)');
		return;
	}

	const area = join(dir, 'faas-bench');
	const layers = join(area, 'layers');
	const workdir = join(area, 'work');
	const socket = join(workdir, 'faas/sock');
	const bundle = join(area, 'bundle');
	const handedDown = hierarchy.version === 'v2' ? readSubtreeControl(base) : [];
	let service: ReturnType<typeof spawn> | undefined;
	try {
		// The busybox route's rootfs as layer 1, the layers lesson's motd as layer 2.
		sh(`mkdir -p ${layers}/1/bin ${layers}/1/etc ${layers}/2/etc ${workdir}/faas/fn/proc ${workdir}/faas/fn/tmp ${workdir}/faas/req ${bundle}
cp /bin/busybox ${layers}/1/bin/
for a in $(${layers}/1/bin/busybox --list); do [ -e ${layers}/1/bin/$a ] || ln -s busybox ${layers}/1/bin/$a; done
echo 'root:x:0:0:root:/root:/bin/sh' > ${layers}/1/etc/passwd
echo 'Built in layer 2' > ${layers}/2/etc/motd`);
		const {fn, handler} = lessonScripts({workdir, layers, cgroupfs: base, lowers: `${layers}/2:${layers}/1`, top: '2'}, hierarchy.version);
		writeFileSync(join(workdir, 'faas/fn/function'), `${fn}\n`);
		writeFileSync(join(workdir, 'faas/handler'), `${handler}\n`);
		chmodSync(join(workdir, 'faas/fn/function'), 0o755);
		chmodSync(join(workdir, 'faas/handler'), 0o755);
		if (hierarchy.version === 'v2') {
			writeFileSync(join(base, 'cgroup.subtree_control'), '+pids +memory');
		}

		for (const group of groups) {
			mkdirSync(group);
		}

		if (hierarchy.version === 'v2') {
			writeFileSync(join(groups[0]!, 'cgroup.subtree_control'), '+pids +memory');
		}

		service = spawn('socat', ['-t', '10', `UNIX-LISTEN:${socket},fork,mode=600,unlink-early`, `EXEC:${join(workdir, 'faas/handler')}`], {stdio: 'ignore'});
		const deadline = Date.now() + 5000;
		while (!existsSync(socket) && Date.now() < deadline) {
			await new Promise(resolve => setTimeout(resolve, 10));
		}

		// runc spec's defaults, as the runtime lesson uses them: the same rootfs, read-only, /bin/true.
		sh(`cd ${bundle} && runc spec`);
		const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as {process: {terminal: boolean; args: string[]}; root: {path: string}};
		config.process.terminal = false;
		config.process.args = ['/bin/true'];
		config.root.path = join(layers, '1');
		writeFileSync(join(bundle, 'config.json'), JSON.stringify(config));

		const name = `rootcamp-bench-faas-${process.pid}`;
		await oneRequest(socket);
		oneRunc(bundle, name);
		const faas: number[] = [];
		const runc: number[] = [];
		for (let index = 0; index < runs; index++) {
			faas.push(await oneRequest(socket));
			runc.push(oneRunc(bundle, name));
		}

		const ratio = median(faas.map((value, index) => value / runc[index]!));
		const ok = ratio < 0.5;
		console.log(`${ok ? 'ok  ' : 'MISS'} ${'faas request vs runc run'.padEnd(34)} ${`${ratio.toFixed(2)}x (${median(faas).toFixed(0)} / ${median(runc).toFixed(0)} ms)`.padEnd(34)} target < 0.5x`);
	} finally {
		service?.kill('SIGKILL');
		// The handlers of the last requests finish on their own (they ignore the listener's end): wait for them.
		const requests = join(workdir, 'faas/req');
		const deadline = Date.now() + 10_000;
		while (existsSync(requests) && readdirSync(requests).length > 0 && Date.now() < deadline) {
			await new Promise(resolve => setTimeout(resolve, 20));
		}

		for (const group of groups.filter(each => existsSync(each))) {
			for (const child of readdirSync(group, {withFileTypes: true}).filter(entry => entry.isDirectory())) {
				rmdirSync(join(group, child.name));
			}

			rmdirSync(group);
		}

		if (hierarchy.version === 'v2') {
			const turnedOn = ['pids', 'memory'].filter(controller => !handedDown.includes(controller));
			if (turnedOn.length > 0) {
				writeFileSync(join(base, 'cgroup.subtree_control'), turnedOn.map(controller => `-${controller}`).join(' '));
			}
		}

		// Only once nothing of a request is mounted or running there: the requests' mounts lived in their own namespaces.
		if (!readFileSync('/proc/self/mountinfo', 'utf8').includes(area)) {
			rmSync(area, {recursive: true, force: true});
		}
	}
}
