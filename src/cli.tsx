#!/usr/bin/env -S node --max-semi-space-size=2
import {parseArgs} from 'node:util';
import {colorWanted, processOutput} from './commands/output.ts';
import type {Route} from './lesson/types.ts';
import {UsageError} from './errors.ts';

const usage = `rootcamp — run a Docker container without Docker, one namespace at a time

Usage
  rootcamp                         the workshop (a terminal app); resumes where you left off
  rootcamp list                    lessons, steps and progress
  rootcamp verify [LESSON[/STEP]]  check the host now; exit 0 only when nothing fails
  rootcamp solve  [LESSON[/STEP]]  run the reference commands of steps not done yet
  rootcamp doctor                  can this host do the workshop? what is missing?
  rootcamp reset [--purge]         undo what the workshop created; --purge the rootfs too
  rootcamp lint [DIR]              validate lesson files
  rootcamp classroom serve         the instructor's server and dashboard [--listen HOST:PORT] [--db PATH|URL] [--json]
  rootcamp classroom export        grades: --csv FILE (GitHub Classroom's columns), --junit DIR [--db PATH|URL]
  rootcamp join URL --name NAME    report to a classroom from now on (leave: stop; help-me: ask for help)
  rootcamp sandbox shell NAME      a shell in sandbox NAME (list: every sandbox; rm NAME: end one)
  rootcamp image unpack IMAGE DIR  apply a docker-save archive's or an OCI layout's layers into DIR
  rootcamp image layers IMAGE DIR  each layer into DIR/1, DIR/2, … as overlayfs reads them

Options
  --rootfs DIR     where the container's filesystem goes (default /ubunturoot)
  --lessons DIR    a folder of lesson files (default: the lessons shipped with rootcamp)
  --route NAME     how to get the filesystem: docker, debootstrap or busybox (default: the first that works)
  --image PATH     a real image as the filesystem: a docker-save archive or an OCI layout, PATH[:TAG] (route image)
  --sandbox NAME   run the command in sandbox NAME, its own namespaces (made on first use)
  --json           machine-readable output (verify, doctor)
  --junit FILE     verify: also write the verdicts as a JUnit XML report (one test per step)
  --yes            run privileged actions without asking
  --plain          plain text instead of the terminal app
  --no-color       no colours (NO_COLOR is honoured too)
  --help, --version

Exit codes: 0 success, 1 a check failed, 2 bad usage or input, 3 this host cannot do it.`;

const routes: readonly Route[] = ['docker', 'debootstrap', 'busybox', 'image'];

/** `LESSON[/STEP]` → a filter. */
const parseTarget = (target: string | undefined) => {
	if (!target) {
		return {};
	}

	const [lesson, step, extra] = target.split('/');
	if (!lesson || extra !== undefined || step === '') {
		throw new UsageError(`"${target}" is not LESSON or LESSON/STEP`);
	}

	return {lesson, step};
};

/** `--image PATH[:TAG]`: it must exist; made absolute, so the command shown runs from any folder. It implies the image route. */
const imageOption = async (value: string, route: string | undefined): Promise<string> => {
	if (route !== undefined && route !== 'image') {
		throw new UsageError(`--image takes the image route; it cannot go with --route ${route}`);
	}

	const {splitImageArgument} = await import('./image/image.ts');
	const {resolve} = await import('node:path');
	const {path, tag} = splitImageArgument(value);
	const {existsSync} = await import('node:fs');
	if (!existsSync(path)) {
		throw new UsageError(`--image ${value}: there is no such file or directory`);
	}

	return tag === undefined ? resolve(path) : `${resolve(path)}:${tag}`;
};

const main = async (argv: string[]): Promise<number> => {
	// The classroom's commands parse their own options (--listen, --db, --name, --csv …); no root.
	if (['classroom', 'join', 'leave', 'help-me'].includes(argv[0] ?? '')) {
		const {classroomCommand} = await import('./commands/classroom.ts');
		return classroomCommand(argv, processOutput(colorWanted(argv.includes('--no-color'))));
	}

	const {values, positionals} = parseArgs({
		args: argv,
		allowPositionals: true,
		options: {
			rootfs: {type: 'string'},
			lessons: {type: 'string'},
			route: {type: 'string'},
			sandbox: {type: 'string'},
			image: {type: 'string'},
			json: {type: 'boolean', default: false},
			junit: {type: 'string'},
			yes: {type: 'boolean', short: 'y', default: false},
			purge: {type: 'boolean', default: false},
			plain: {type: 'boolean', default: false},
			'no-color': {type: 'boolean', default: false},
			help: {type: 'boolean', short: 'h', default: false},
			version: {type: 'boolean', short: 'v', default: false},
		},
	});
	const output = processOutput(colorWanted(values['no-color']));
	if (values.help) {
		output.out(usage);
		return 0;
	}

	if (values.version) {
		const {readFileSync} = await import('node:fs');
		const {version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string};
		output.out(version);
		return 0;
	}

	if (values.sandbox !== undefined) {
		const {runRootcampInSandbox} = await import('./commands/sandbox.ts');
		return runRootcampInSandbox(values.sandbox, argv);
	}

	if (values.route && !routes.includes(values.route as Route)) {
		throw new UsageError(`--route must be one of ${routes.join(', ')} (got "${values.route}")`);
	}

	const image = values.image === undefined ? undefined : await imageOption(values.image, values.route);
	if (values.route === 'image' && image === undefined) {
		// Once given, the image is remembered: later commands need neither --image nor --route.
		throw new UsageError('--route image needs --image PATH (a docker-save archive or an OCI image layout)');
	}

	const [command, target, ...extra] = positionals;
	if (command === 'image') {
		const {imageCommand} = await import('./commands/image.ts');
		return imageCommand(positionals.slice(1), output);
	}

	if (command === 'sandbox') {
		const {sandboxCommand} = await import('./commands/sandbox.ts');
		return sandboxCommand(positionals.slice(1), output);
	}

	if (extra.length > 0) {
		throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
	}

	if (command === 'lint') {
		const {lintCommand} = await import('./commands/lint.ts');
		const {defaultLessonsDir} = await import('./lesson/load.ts');
		return lintCommand(target ?? values.lessons ?? defaultLessonsDir(), output);
	}

	if (command === 'doctor') {
		const {doctorCommand} = await import('./commands/doctor.ts');
		return doctorCommand(output, values.json, image);
	}

	const known = ['list', 'verify', 'solve', 'reset', undefined];
	if (!known.includes(command)) {
		throw new UsageError(`unknown command "${command}"; see rootcamp --help`);
	}

	// Root first: a privileged command must not write a byte (progress, the chosen route) before it.
	if (command !== 'list') {
		const {requireRoot} = await import('./commands/require-root.ts');
		requireRoot(command ?? '');
	}

	const {openWorkshop} = await import('./workshop/workshop.ts');
	const engine = await openWorkshop({
		lessonsDir: values.lessons,
		rootfs: values.rootfs,
		route: image ? 'image' : values.route as Route | undefined,
		image,
		needRoute: command === 'solve' || command === undefined,
	});
	for (const warning of engine.warnings) {
		output.err(`warning: ${warning}`);
	}

	switch (command) {
		case 'list': {
			const {listCommand} = await import('./commands/list.ts');
			return listCommand(engine, output);
		}

		case 'verify': {
			const {verifyCommand} = await import('./commands/verify.ts');
			return verifyCommand(engine, parseTarget(target), values.json, output, values.junit);
		}

		case 'solve': {
			const {solveCommand} = await import('./commands/solve.ts');
			return solveCommand(engine, parseTarget(target), values.yes, output);
		}

		case 'reset': {
			const {resetCommand} = await import('./commands/reset.ts');
			return resetCommand(engine, values.purge, values.yes, output);
		}

		default: {
			const {runApp} = await import('./ui/app.tsx');
			return runApp(engine, {plain: values.plain || !process.stdout.isTTY, color: output.color, yes: values.yes});
		}
	}
};

/** Every error becomes a message and an exit code: 2 for usage and input, 3 for the host, 1 otherwise. */
const exitCodeOf = (error: unknown): number => {
	if (error instanceof Error && 'exitCode' in error && typeof error.exitCode === 'number') {
		return error.exitCode;
	}

	return error instanceof TypeError && (error as {code?: string}).code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
};

// A reader that stops early (`rootcamp list | head`) closes the pipe: what is left to print has no
// reader, which is no error of the learner's. The command goes on (a step half-run must still end
// cleanly), writing nowhere, instead of dying on an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
	stream.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') {
			throw error;
		}
	});
}

try {
	process.exitCode = await main(process.argv.slice(2));
} catch (error) {
	process.stderr.write(`rootcamp: ${error instanceof Error ? error.message : String(error)}\n`);
	if (process.env.ROOTCAMP_DEBUG && error instanceof Error) {
		process.stderr.write(`${error.stack}\n`);
	}

	process.exitCode = exitCodeOf(error);
}
