import {execFileSync, spawnSync} from 'node:child_process';

/** A tmux session the test drives as a person would: keys in, screen text out. */
export class Tmux {
	constructor(readonly session: string) {}

	/** Starts the session with its first window running `command` at a fixed size. */
	start(command: string, size = {width: 100, height: 30}) {
		execFileSync('tmux', ['new-session', '-d', '-s', this.session, '-x', String(size.width), '-y', String(size.height), '-n', 'app', command]);
		// Keep a window's screen after its program ends, so a crash is still readable.
		execFileSync('tmux', ['set-option', '-t', this.session, 'remain-on-exit', 'on']);
	}

	/** Opens another window with a root shell: the learner's second terminal. */
	openShell(name: string) {
		execFileSync('tmux', ['new-window', '-d', '-t', this.session, '-n', name, 'bash --norc --noprofile']);
	}

	/** Types a line and presses Enter, as a person at the keyboard. */
	type(window: string, line: string) {
		execFileSync('tmux', ['send-keys', '-t', `${this.session}:${window}`, '-l', line]);
		execFileSync('tmux', ['send-keys', '-t', `${this.session}:${window}`, 'Enter']);
	}

	/** Presses keys by tmux name (`Enter`, `C-c`, `q`). */
	press(window: string, ...keys: string[]) {
		execFileSync('tmux', ['send-keys', '-t', `${this.session}:${window}`, ...keys]);
	}

	/** The window's screen as text. */
	screen(window: string): string {
		return execFileSync('tmux', ['capture-pane', '-p', '-t', `${this.session}:${window}`], {encoding: 'utf8'});
	}

	/** Waits until the screen matches: a condition, never a guessed sleep. */
	async waitFor(window: string, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
		const deadline = Date.now() + timeoutMs;
		let screen = '';
		while (Date.now() < deadline) {
			screen = this.screen(window);
			if (pattern.test(screen)) {
				return screen;
			}

			await new Promise(resolve => setTimeout(resolve, 100));
		}

		throw new Error(`the ${window} window never showed ${pattern}; it shows:\n${screen}`);
	}

	/** The PID of the program in a window's pane. */
	panePid(window: string): number {
		return Number(execFileSync('tmux', ['display-message', '-p', '-t', `${this.session}:${window}`, '#{pane_pid}'], {encoding: 'utf8'}).trim());
	}

	kill() {
		spawnSync('tmux', ['kill-session', '-t', this.session]);
	}
}
