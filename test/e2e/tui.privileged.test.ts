import {spawnSync} from 'node:child_process';
import test, {type ExecutionContext} from 'ava';
import {stepKey} from '../../src/workshop/progress.ts';
import {openWorkshop, type WorkshopEngine} from '../../src/workshop/workshop.ts';
import {cli, requirePrivileges, residue, scratch} from '../helpers/privileged.ts';
import {Tmux} from './tmux.ts';

const tmuxMissing = () => (spawnSync('sh', ['-c', 'command -v tmux']).status === 0 ? undefined : 'tmux is not installed');

/** The app, started in tmux at 100x30 as a learner would, on a scratch rootfs. */
const startApp = (t: ExecutionContext, area: ReturnType<typeof scratch>, name: string) => {
	const tmux = new Tmux(`rootcamp-e2e-${name}-${process.pid}`);
	const env = `XDG_STATE_HOME=${area.env.XDG_STATE_HOME} XDG_CACHE_HOME=${area.env.XDG_CACHE_HOME} TERM=xterm-256color`;
	tmux.start(`env ${env} ${process.execPath} ${cli} --rootfs ${area.rootfs} --route busybox`);
	t.teardown(() => {
		tmux.kill();
	});
	return tmux;
};

/** The step header the app shows: `› step N/M Title … ✓ passes`. */
const header = (title: string, status: 'passes' | 'skipped' | 'not yet') =>
	new RegExp(`${title.slice(0, 30).replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)}[^\\n]*${status === 'passes' ? '✓ passes' : (status === 'skipped' ? '– skipped' : '✗ not yet')}`);

/** The lesson list with each step's verdict from the engine's first verify: the app is live, not just its early frame. */
const appReady = async (tmux: Tmux) => tmux.waitFor('app', /Lessons[\s\S]*Copy-paste the target container\s+[✓✗–]{2}[\s\S]*Enter back in/);

const openWorkshopFor = async (area: ReturnType<typeof scratch>) => openWorkshop({rootfs: area.rootfs, route: 'busybox', paths: area.paths});

/** The commands of a step as the app shows them, variables filled with what the host has now. */
const commandsOf = async (engine: WorkshopEngine, lesson: string, step: string) =>
	engine.commandsFor({lesson, step}, await engine.variables());

const cleanUp = (area: ReturnType<typeof scratch>, shells: () => number[]) => {
	for (const pid of shells()) {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {}
	}

	spawnSync(process.execPath, [cli, 'reset', '--purge', '--yes', '--rootfs', area.rootfs], {env: area.env});
	area.remove();
};

test.serial('steps done by hand in a second terminal turn green in the app by themselves', async t => {
	if (!requirePrivileges(t, tmuxMissing())) {
		return;
	}

	const area = scratch('tui-hand');
	const containers: number[] = [];
	t.teardown(() => {
		cleanUp(area, () => containers);
	});
	const tmux = startApp(t, area, 'hand');
	tmux.openShell('host');
	tmux.openShell('box');
	await appReady(tmux);
	tmux.press('app', 'Enter');
	const engine = await openWorkshopFor(area);

	/** Types a step's commands where a learner would, then waits for the app to mark it, without a key press. */
	const byHand = async (lesson: string, step: string, window: 'host' | 'box', expect: 'passes' | 'skipped' = 'passes') => {
		const {step: spec} = engine.course.lessons.find(candidate => candidate.id === lesson)!.steps
			.map(candidate => ({step: candidate})).find(candidate => candidate.step.id === step)!;
		await tmux.waitFor('app', new RegExp(spec.title.slice(0, 30).replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)));
		for (const command of await commandsOf(engine, lesson, step)) {
			for (const line of command.text.split('\n')) {
				tmux.type(window, line);
			}
		}

		const screen = await tmux.waitFor('app', header(spec.title, expect), 30_000);
		t.regex(screen, header(spec.title, expect), `${lesson}/${step} is marked by the app itself`);
		tmux.press('app', 'n');
	};

	await byHand('copy', 'export', 'host');
	await byHand('copy', 'unpack', 'host');
	await byHand('enter', 'chroot', 'box');
	containers.push((await engine.probes().container())!.pid);
	await byHand('enter', 'path', 'box', 'skipped');
	await byHand('enter', 'ps', 'box', 'skipped');
	await byHand('enter', 'proc', 'box');
	await byHand('enter', 'tmp', 'box');

	// Quitting keeps progress: the app opens again at the step where the learner left.
	tmux.press('app', 'q');
	await tmux.waitFor('app', /Pane is dead|\$ $/m).catch(() => undefined);
	const progress = (await openWorkshopFor(area)).progress();
	t.is(progress.current && stepKey(progress.current), 'network-basic/resolv');
	t.truthy(progress.passed['enter/proc']);
	spawnSync('tmux', ['respawn-window', '-k', '-t', `${tmux.session}:app`]);
	await tmux.waitFor('app', /Lessons|Point DNS at a real server/);
	tmux.press('app', 'Enter');
	await tmux.waitFor('app', header('Point DNS at a real server', 'not yet'));

	await byHand('network-basic', 'resolv', 'box');
	tmux.type('box', 'exit');
	tmux.press('app', 'n', 'n');
	await byHand('network-advanced', 'netns', 'box');
	containers.push((await engine.probes().container())!.pid);
	await byHand('network-advanced', 'veth', 'host');
	await byHand('network-advanced', 'up', 'host');
	await byHand('network-advanced', 'find-pid', 'host', 'skipped');
	await byHand('network-advanced', 'move', 'host');
	await byHand('network-advanced', 'inside', 'box', 'skipped');

	tmux.press('app', 'q');
	tmux.type('box', 'exit');
	const verify = spawnSync(process.execPath, [cli, 'verify', 'network-advanced', '--rootfs', area.rootfs], {env: area.env, encoding: 'utf8'});
	t.is(verify.status, 1, 'the learner\'s shell has exited, so the container checks fail again');
	cleanUp(area, () => containers);
	t.is(residue(), '', 'nothing is left on the host');
});

test.serial('"run it for me" walks through "Enter back in", confirming each privileged command', async t => {
	if (!requirePrivileges(t, tmuxMissing())) {
		return;
	}

	const area = scratch('tui-run');
	t.teardown(() => {
		cleanUp(area, () => []);
	});
	const tmux = startApp(t, area, 'run');
	await appReady(tmux);
	tmux.press('app', 'Enter');
	const engine = await openWorkshopFor(area);
	for (const lesson of engine.course.lessons.slice(0, 2)) {
		for (const step of lesson.steps) {
			const expect = step.unobservable ? 'skipped' : 'passes';
			await tmux.waitFor('app', header(step.title, step.unobservable ? 'skipped' : 'not yet'));
			tmux.press('app', 'r');
			const confirm = await tmux.waitFor('app', /y run it/);
			t.regex(confirm, /y run it/, 'the command is shown and confirmed before it runs');
			tmux.press('app', 'y');
			await tmux.waitFor('app', /Finished in [\d.]+|Exited with \d+ after/, 60_000);
			await tmux.waitFor('app', header(step.title, expect));
			tmux.press('app', 'n');
		}
	}

	const screen = await tmux.waitFor('app', /Point DNS at a real server/);
	t.regex(screen, /resolv\.conf/);
	const report = JSON.parse(spawnSync(process.execPath, [cli, 'verify', 'enter', '--json', '--rootfs', area.rootfs], {env: area.env, encoding: 'utf8'}).stdout) as {summary: {fail: number; pass: number}};
	t.is(report.summary.fail, 0);
	t.is(report.summary.pass, 3);
	tmux.press('app', 'q');
	cleanUp(area, () => []);
	t.is(residue(), '', 'nothing is left on the host');
});
