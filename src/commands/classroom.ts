import {parseArgs} from 'node:util';
import {UsageError} from '../errors.ts';
import type {Output} from './output.ts';

/** `rootcamp classroom serve|export …`: the instructor's side. Needs no root: it touches no host state. */
export const classroomCommand = async (argv: string[], output: Output): Promise<number> => {
	const [command, ...rest] = argv;
	const {values, positionals} = parseArgs({args: rest, allowPositionals: true, options: {
		listen: {type: 'string'}, db: {type: 'string'}, json: {type: 'boolean', default: false}, lessons: {type: 'string'},
		name: {type: 'string'}, csv: {type: 'string'}, junit: {type: 'string'}, 'no-color': {type: 'boolean', default: false},
	}});
	if (command !== 'classroom') {
		const {studentCommand} = await import('./classroom-student.ts');
		return studentCommand(command!, positionals, values, output);
	}

	const [sub, ...extra] = positionals;
	if (extra.length > 0) {
		throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
	}

	if (sub === 'serve') {
		const {startClassroom} = await import('../classroom/server/serve.ts');
		const running = await startClassroom({listen: values.listen, database: values.db, lessonsDir: values.lessons});
		if (values.json) {
			output.out(JSON.stringify({join: running.join, dashboard: running.dashboard, listen: running.listen}));
		} else {
			// The join address as a QR code too, for the projector: a phone reads it off the wall.
			const {default: qrCode} = await import('qrcode');
			output.out(await qrCode.toString(running.join.split(' ')[2]!, {type: 'terminal', small: true}));
			output.out(`Students join with:\n  ${running.join}\nDashboard (keep this address to yourself: it carries the instructor's token):\n  ${running.dashboard}\nListening on ${running.listen}; Ctrl-C stops.`);
		}

		// On a terminal, a live line: who joined, where the class is, who is stuck or waiting.
		const live = !values.json && process.stdout.isTTY ? setInterval(() => {
			output.raw(`\r\u001B[2K${running.summary()}`);
		}, 2000) : undefined;

		await new Promise<void>(resolve => {
			const stop = () => {
				resolve();
			};

			process.once('SIGINT', stop);
			process.once('SIGTERM', stop);
		});
		clearInterval(live);
		await running.close();
		return 0;
	}

	if (sub === 'export') {
		if (!values.csv && !values.junit) {
			throw new UsageError('classroom export needs --csv FILE, --junit DIR or both');
		}

		const {courseSteps, loadClass} = await import('../classroom/server/load-class.ts');
		const {classCsv, writeClassJunit} = await import('../classroom/server/export.ts');
		const {store, model} = await loadClass(values.db);
		try {
			const steps = courseSteps(values.lessons);
			if (values.csv) {
				const {writeFileSync} = await import('node:fs');
				writeFileSync(values.csv, classCsv(model, steps));
				output.out(`${values.csv}: ${model.students().length} students, ${steps.length} steps`);
			}

			if (values.junit) {
				output.out(`${values.junit}: ${writeClassJunit(model, steps, values.junit).length} JUnit files, one per student`);
			}
		} finally {
			await store.close();
		}

		return 0;
	}

	throw new UsageError(`classroom needs serve or export (got "${sub ?? ''}")`);
};
