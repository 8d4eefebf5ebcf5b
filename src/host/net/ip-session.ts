import {spawn, type ChildProcessWithoutNullStreams} from 'node:child_process';

/** What `ask` answers: one JSON line per question, in order. */
export type Answers = string[];

/** A request not answered in this long means the session is stuck: it is ended and not used again. */
const patienceMs = 10_000;

/**
 * The host's `ip -json -d -batch -`, kept running between check rounds in a long-lived rootcamp
 * (the app's watch, `solve` going from step to step): a round writes its questions and reads the
 * answers back, and no process is started. ip answers each command as soon as it reads it, one
 * line each, and stops at the first command that fails (no -force), so answers can never shift
 * from one request to the next: a failure ends the session, and the caller asks afresh. Only
 * ever the host's namespace: an `ip` kept inside the container's would keep that namespace, and
 * the veth in it, alive after the learner's shell has exited.
 */
export class IpSession {
	readonly #child: ChildProcessWithoutNullStreams;
	#buffer = '';
	readonly #lines: string[] = [];
	#waiting: (() => void) | undefined;
	#queue: Promise<unknown> = Promise.resolve();
	/** Requests asked and not yet answered: the next one waits its turn behind them. */
	#inFlight = 0;
	#ended = false;

	constructor() {
		this.#child = spawn('ip', ['-json', '-d', '-batch', '-'], {stdio: ['pipe', 'pipe', 'pipe']});
		this.#child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
			const lines = (this.#buffer + chunk).split('\n');
			this.#buffer = lines.pop() ?? '';
			this.#lines.push(...lines.filter(line => line.trim() !== ''));
			this.#waiting?.();
		});
		this.#child.stderr.resume();
		this.#child.stdin.on('error', () => undefined);
		const end = () => {
			this.#ended = true;
			this.#waiting?.();
		};

		this.#child.on('error', end);
		this.#child.on('exit', end);
		// Never what keeps rootcamp running; ip ends when rootcamp does (its stdin closes).
		this.#child.unref();
		this.#idle(true);
	}

	get ended(): boolean {
		return this.#ended;
	}

	/** Asks the questions (one ip command each); resolves to one answer line per question. */
	async ask(questions: string[]): Promise<Answers> {
		// With nothing in flight the questions are written now, not a tick later: ip starts on them
		// while rootcamp goes on with the round's other reads.
		const turn = this.#inFlight === 0 ? this.#exchange(questions) : this.#queue.then(async () => this.#exchange(questions));
		this.#inFlight++;
		this.#queue = turn.catch(() => undefined).finally(() => {
			this.#inFlight--;
		});
		return turn;
	}

	/** Ends the session (a stuck or failed one is never used again). */
	close(): void {
		this.#ended = true;
		this.#child.stdin.destroy();
		this.#child.kill();
	}

	async #exchange(questions: string[]): Promise<Answers> {
		if (this.#ended) {
			throw new Error('the ip session has ended');
		}

		this.#idle(false);
		const timer = setTimeout(() => {
			this.close();
		}, patienceMs);
		try {
			this.#child.stdin.write(`${questions.join('\n')}\n`);
			const answers: string[] = [];
			while (answers.length < questions.length) {
				const line = this.#lines.shift();
				if (line !== undefined) {
					answers.push(line);
				} else if (this.#ended) {
					throw new Error('the ip session ended before it answered');
				} else {
					await new Promise<void>(resolve => {
						this.#waiting = resolve;
					});
					this.#waiting = undefined;
				}
			}

			return answers;
		} finally {
			clearTimeout(timer);
			this.#idle(true);
		}
	}

	/** While no request is in flight, the session's pipes do not hold rootcamp's event loop open. */
	#idle(idle: boolean) {
		for (const stream of [this.#child.stdin, this.#child.stdout, this.#child.stderr] as unknown as Array<{ref(): void; unref(): void}>) {
			if (idle) {
				stream.unref();
			} else {
				stream.ref();
			}
		}
	}
}
