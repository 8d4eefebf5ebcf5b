import type {CheckSpec} from '../../lesson/types.ts';
import type {Probes} from '../../host/probes.ts';
import type {RuncView} from '../../host/runtime-probes.ts';
import type {BundleConfig} from '../../host/tools/runc.ts';
import type {ContainerInfo} from '../../host/types.ts';
import type {CheckResult} from '../types.ts';
import {checkOptions, checkPath, firstProblem} from '../options.ts';
import {fail, pass} from '../result.ts';

/** `runc bundle DIR`: an OCI bundle for the rootfs; `runc container NAME`: runc runs it. */
export type RuncData =
	| {form: 'bundle'; dir: string; rootfs: string; bundle: BundleConfig | null}
	| {form: 'container'; name: string; rootfs: string; runc: RuncView | null; container: ContainerInfo | null};

const namePattern = /^[\w.-]+$/;

/** A bundle's directory and its config.json, which "what changed" then shows appearing. */
export const watches = (check: CheckSpec) => (check.args[0] === 'bundle' && check.args[1] ? {paths: [check.args[1], `${check.args[1]}/config.json`]} : {});

/** The problem with a `runc bundle DIR` or `runc container NAME` line, if any. */
export function validate(check: CheckSpec): string | undefined {
	const [form, target, extra] = check.args;
	return firstProblem(
		form === 'bundle' || form === 'container' ? undefined : `\`runc\` takes \`bundle DIR\` or \`container NAME\`, got \`${check.args.join(' ')}\``,
		extra === undefined ? undefined : `\`runc\` takes one target, got \`${check.args.slice(1).join(' ')}\``,
		form === 'bundle' ? checkPath(target, 'the bundle directory') : undefined,
		form === 'container' && (target === undefined || !namePattern.test(target)) ? `\`runc container\` needs a container name (letters, digits, . _ -), got \`${target ?? ''}\`` : undefined,
		checkOptions(check, {}),
	);
}

/** Reads the bundle's config.json, or runc's state of the container and the learner's container. */
export async function probe(check: CheckSpec, probes: Probes): Promise<RuncData> {
	const [form, target = ''] = check.args;
	if (form === 'bundle') {
		return {form, dir: target, rootfs: probes.rootfs, bundle: await probes.bundle(target)};
	}

	const [runc, container] = await Promise.all([probes.runc(target), probes.container()]);
	return {form: 'container', name: target, rootfs: probes.rootfs, runc, container};
}

export function judge(check: CheckSpec, data: RuncData): CheckResult {
	return data.form === 'bundle' ? judgeBundle(check, data) : judgeContainer(check, data);
}

/** Passes when DIR/config.json names the rootfs, runs without a terminal and starts a process that sleeps. */
function judgeBundle(check: CheckSpec, {dir, rootfs, bundle}: Extract<RuncData, {form: 'bundle'}>): CheckResult {
	const expected = `${dir}/config.json with root.path ${rootfs}, process.terminal false, process.args a sleep and a cgroupsPath of its own`;
	if (bundle === null) {
		return fail(check, `there is no ${dir}/config.json: mkdir -p ${dir} && cd ${dir} && runc spec`, {expected, actual: 'none'});
	}

	if (bundle.problem) {
		return fail(check, `${bundle.problem}: run runc spec again in ${dir} and edit it with sed`, {expected, actual: bundle.problem});
	}

	const actual = `root.path ${bundle.rootPath ?? 'unset'}${bundle.readonly ? ' (read-only)' : ''}, terminal ${String(bundle.terminal ?? 'unset')}, args ${JSON.stringify(bundle.args)}, cgroupsPath ${bundle.cgroupsPath ?? 'unset'}`;
	const details = {expected, actual};
	if (bundle.rootPath !== rootfs) {
		return fail(check, `the bundle's root.path is ${bundle.rootPath ?? 'unset'}, not ${rootfs}: runc would run some other filesystem. Set "path": "${rootfs}" in ${dir}/config.json`, details);
	}

	if (bundle.terminal !== false) {
		return fail(check, `process.terminal is ${String(bundle.terminal ?? 'unset')}: a detached container (runc run -d) cannot have a terminal without a console socket. Set "terminal": false`, details);
	}

	if (!bundle.args.some(arg => /(?:^|\/)sleep$/.test(arg))) {
		return fail(check, `process.args is ${JSON.stringify(bundle.args)}: runc spec's sh would end at once without a terminal. Make it a process that sleeps: "sleep", "1000000"`, details);
	}

	// Unset, runc names the groups after the container: `rootcamp`, the limits lesson's own group.
	if (bundle.cgroupsPath === undefined || /(?:^|\/)rootcamp$/.test(bundle.cgroupsPath)) {
		return fail(check, `linux.cgroupsPath is ${bundle.cgroupsPath ?? 'unset'}: runc would make its control groups where the limits lesson keeps rootcamp. Set "cgroupsPath": "/runc-rootcamp"`, details);
	}

	return pass(check, `${dir}/config.json runs ${bundle.args.join(' ')} in ${rootfs}, its groups at ${bundle.cgroupsPath}`, details);
}

/** Passes when runc's container NAME runs, its init rooted at the rootfs, and it is not the learner's container. */
function judgeContainer(check: CheckSpec, {name, rootfs, runc, container}: Extract<RuncData, {form: 'container'}>): CheckResult {
	const expected = `runc's container ${name} running, its init's root ${rootfs}, apart from your container's shell`;
	if (runc === null) {
		return fail(check, `runc has no container ${name} (runc list): runc run -d --bundle DIR ${name} < /dev/null > /dev/null 2>&1`, {expected, actual: 'none'});
	}

	const actual = `${name}: init pid ${runc.pid}, ${runc.running ? 'running' : 'stopped'}, root.path ${runc.rootfs}`;
	const details = {expected, actual};
	if (!runc.running) {
		return fail(check, `runc's container ${name} is stopped (its init, pid ${runc.pid}, has ended): runc delete ${name}, then run it again with a process that sleeps`, details);
	}

	if (!runc.rootedAtRootfs) {
		return fail(check, `the init of runc's container ${name} (pid ${runc.pid}) is not rooted at ${rootfs}: runc delete --force ${name}, set root.path to ${rootfs} and run it again`, details);
	}

	if (container?.pid === runc.pid) {
		return fail(check, `runc's init (pid ${runc.pid}) is the process rootcamp takes for your container: start your own container's shell again`, details);
	}

	return pass(check, `runc's container ${name} runs: init pid ${runc.pid}, rooted at ${rootfs}${container ? `, beside your container's shell (pid ${container.pid})` : ''}`, details);
}
