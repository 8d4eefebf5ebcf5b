import {runInSandbox} from '../sandbox/enter.ts';
import {listSandboxes} from '../sandbox/inspect.ts';
import {checkSandboxName} from '../sandbox/layout.ts';
import {openSandbox} from '../sandbox/make.ts';
import {removeSandbox} from '../sandbox/remove.ts';
import {defaultPaths} from '../workshop/paths.ts';
import {HostError, UsageError} from '../errors.ts';
import {paint, type Output} from './output.ts';

/** `--sandbox NAME` and its value, in either spelling, taken out of the arguments the rootcamp inside gets. */
export const withoutSandboxOption = (argv: string[]): string[] => {
	const kept: string[] = [];
	for (let index = 0; index < argv.length; index++) {
		if (argv[index] === '--sandbox') {
			index++;
		} else if (!argv[index]!.startsWith('--sandbox=')) {
			kept.push(argv[index]!);
		}
	}

	return kept;
};

/** `rootcamp --sandbox NAME …`: the same rootcamp, started inside sandbox NAME (made on first use). */
export const runRootcampInSandbox = async (name: string, argv: string[]): Promise<number> => {
	requireLinux();
	const record = await openSandbox(defaultPaths(), checkSandboxName(name));
	return runInSandbox(record, [process.execPath, ...process.execArgv, process.argv[1]!, ...withoutSandboxOption(argv)]);
};

/** A sandbox needs Linux, and root or user namespaces: without root, the kernel's refusal (if any) is the holder's error. */
const requireLinux = () => {
	if (process.platform !== 'linux') {
		throw new HostError(`sandboxes are Linux namespaces (this is ${process.platform})`);
	}
};

const sandboxUsage = 'rootcamp sandbox shell NAME | list | rm NAME';

/** `rootcamp sandbox shell NAME | list | rm NAME`. */
export const sandboxCommand = async (args: string[], output: Output): Promise<number> => {
	const [verb, name, ...extra] = args;
	if (extra.length > 0 || (verb === 'list' ? name !== undefined : name === undefined)) {
		throw new UsageError(`usage: ${sandboxUsage}`);
	}

	requireLinux();
	const paths = defaultPaths();
	switch (verb) {
		case 'shell': {
			const record = await openSandbox(paths, checkSandboxName(name));
			output.err(paint(output, 'muted', `sandbox ${record.name}; the host's network is untouched. exit leaves it; rootcamp sandbox rm ${record.name} ends it.`));
			return runInSandbox(record, [process.env.SHELL && process.env.SHELL !== '' ? process.env.SHELL : '/bin/bash', '-l']);
		}

		case 'list': {
			const sandboxes = listSandboxes(paths);
			if (sandboxes.length === 0) {
				output.out('no sandboxes');
			}

			for (const box of sandboxes) {
				output.out(box.holder === undefined
					? `${box.name}  stopped (its folder is kept; rootcamp --sandbox ${box.name} starts it again)${box.rootfs ? '; has /ubunturoot' : ''}`
					: `${box.name}  holder pid ${box.holder}, ${box.processes} processes, links ${box.links.join(' ')}, ${box.mounts} mounts${box.rootfs ? ', has /ubunturoot' : ''}; ${box.network}`);
			}

			return 0;
		}

		case 'rm': {
			const {done, left} = await removeSandbox(paths, checkSandboxName(name));
			for (const line of done) {
				output.out(line);
			}

			for (const line of left) {
				output.out(`left: ${line}`);
			}

			return left.length > 0 ? 1 : 0;
		}

		default: {
			throw new UsageError(`unknown sandbox command "${verb}"; usage: ${sandboxUsage}`);
		}
	}
};
