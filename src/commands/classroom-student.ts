import {UsageError} from '../errors.ts';
import {defaultPaths} from '../workshop/paths.ts';
import {ProgressStore} from '../workshop/progress.ts';
import {classroomFiles, forgetMembership, readMembership, saveMembership, saveClassState, type Membership} from '../classroom/student/membership.ts';
import {openReporter} from '../classroom/student/reporter.ts';
import {joinAnswerSchema} from '../classroom/protocol.ts';
import {paint, type Output} from './output.ts';

/** A classroom's address: `http://HOST:PORT/class/KEY`, as `classroom serve` prints it. */
const classUrl = (text: string | undefined) => {
	let url: URL;
	try {
		url = new URL(text ?? '');
	} catch {
		throw new UsageError(`join needs the classroom's address, as the instructor's screen shows it (got "${text ?? ''}")`);
	}

	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new UsageError(`the classroom's address is http:// or https:// (got "${text}")`);
	}

	return url.href.replace(/\/+$/, '');
};

/** Tells the classroom the learner is gone (it revokes their token); best effort, so leaving works offline too. */
const leaveServer = async (membership: Membership): Promise<boolean> => {
	try {
		const response = await fetch(`${membership.url}/leave`, {method: 'POST', headers: {authorization: `Bearer ${membership.token}`}, signal: AbortSignal.timeout(2000)});
		await response.body?.cancel();
		return response.ok;
	} catch {
		return false;
	}
};

/** `rootcamp join URL --name NAME`, `rootcamp leave`, `rootcamp help-me`: the student's side. No root needed. */
export const studentCommand = async (command: string, positionals: string[], values: {name?: string}, output: Output): Promise<number> => {
	const paths = defaultPaths();
	const files = classroomFiles(paths.state);
	if (command === 'join') {
		if (positionals.length !== 1 || !values.name) {
			throw new UsageError('usage: rootcamp join URL --name NAME');
		}

		const url = classUrl(positionals[0]);
		// Joining again (the same class or another) leaves the old membership first: else the
		// dashboard keeps a second row for the learner, a ghost that never moves on.
		const previous = readMembership(files);
		// What was queued for the old class goes to it first: its token stops working on leaving.
		await openReporter(files)?.send(1000);
		if (previous && await leaveServer(previous)) {
			forgetMembership(files);
		}

		let response: Response;
		try {
			response = await fetch(`${url}/join`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({name: values.name}), signal: AbortSignal.timeout(5000)});
		} catch (error) {
			output.err(`rootcamp: the classroom at ${url} did not answer (${(error as {cause?: Error}).cause?.message ?? (error as Error).message})`);
			return 1;
		}

		const body: unknown = await response.json().catch(() => ({}));
		const answer = joinAnswerSchema.safeParse(body);
		if (!response.ok || !answer.success) {
			output.err(`rootcamp: the classroom refused: ${response.status} ${(body as {error?: string}).error ?? ''}`.trim());
			return 1;
		}

		forgetMembership(files);
		saveMembership(files, {url, name: values.name, student: answer.data.student, token: answer.data.token, joinedAt: new Date().toISOString()});
		saveClassState(files, answer.data.state);
		output.out(`${previous ? `left ${previous.url}; ` : ''}joined ${url} as ${values.name}: verify, solve and the app report your steps to the instructor from now on (rootcamp leave stops)`);
		return 0;
	}

	const membership = readMembership(files);
	if (!membership) {
		output.err('rootcamp: not in a classroom; join one with rootcamp join URL --name NAME');
		return 1;
	}

	if (command === 'leave') {
		await openReporter(files)?.send(1000);
		await leaveServer(membership);
		forgetMembership(files);
		output.out(`left ${membership.url}; nothing is reported any more`);
		return 0;
	}

	if (command === 'help-me') {
		const reporter = openReporter(files)!;
		reporter.help(new ProgressStore(paths.state).get().current);
		const delivery = await reporter.send(2000);
		output.out(delivery.left === 0
			? 'the instructor has your request for help, in the order it came'
			: paint(output, 'warn', `queued: the classroom did not answer (${delivery.problem ?? ''}); it is sent with your next command`));
		return 0;
	}

	throw new UsageError(`unknown command "${command}"; see rootcamp --help`);
};
