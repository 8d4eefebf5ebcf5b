/** Where a command writes, and whether it may colour: one object, so tests can capture both. */
export type Output = {
	out: (text: string) => void;
	/** A command's own output, passed through as it comes (no newline added). */
	raw: (chunk: string) => void;
	err: (text: string) => void;
	color: boolean;
};

const paint = (code: number) => (output: Output, text: string) => (output.color ? `\u001B[${code}m${text}\u001B[39m` : text);

export const green = paint(32);
export const red = paint(31);
export const yellow = paint(33);
export const dim = (output: Output, text: string) => (output.color ? `\u001B[2m${text}\u001B[22m` : text);
export const bold = (output: Output, text: string) => (output.color ? `\u001B[1m${text}\u001B[22m` : text);

/** The mark for a status: ✓ pass, ✗ fail, – skip. */
export const mark = (output: Output, status: 'pass' | 'fail' | 'skip') =>
	status === 'pass' ? green(output, '✓') : status === 'fail' ? red(output, '✗') : yellow(output, '–');

/** Colour by default on a terminal; never with NO_COLOR or --no-color (https://no-color.org). */
export const colorWanted = (noColorFlag: boolean, stream: NodeJS.WriteStream = process.stdout) =>
	!noColorFlag && !('NO_COLOR' in process.env && process.env['NO_COLOR'] !== '') && Boolean(stream.isTTY);

/** The process's real output. */
export const processOutput = (color: boolean): Output => ({
	out: text => process.stdout.write(`${text}\n`),
	raw: chunk => process.stdout.write(chunk),
	err: text => process.stderr.write(`${text}\n`),
	color,
});
