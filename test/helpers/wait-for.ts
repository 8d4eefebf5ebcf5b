/** Waits until `condition` holds, polling; fails with `describe()` after the deadline. Never a guessed sleep. */
export async function waitFor(condition: () => boolean, options: {timeout?: number; describe?: () => string} = {}): Promise<void> {
	const deadline = Date.now() + (options.timeout ?? 3000);
	while (!condition()) {
		if (Date.now() > deadline) {
			throw new Error(`condition not met within ${options.timeout ?? 3000} ms${options.describe ? `:\n${options.describe()}` : ''}`);
		}

		await new Promise(resolve => {
			setTimeout(resolve, 10);
		});
	}
}

/** Waits for the last frame to contain `text` (or match it) and returns that frame. */
export async function waitForFrame(lastFrame: () => string | undefined, text: string | RegExp | ((frame: string) => boolean), timeout = 3000): Promise<string> {
	const matches = (frame: string) => (typeof text === 'string' ? frame.includes(text) : (text instanceof RegExp ? text.test(frame) : text(frame)));
	await waitFor(() => matches(lastFrame() ?? ''), {timeout, describe: () => `wanted ${String(text)} in the frame:\n${lastFrame() ?? '(no frame)'}`});
	return lastFrame() ?? '';
}
