import {lineToString, type Line} from '../ui/view/lines.ts';
import {createTheme, noColorRequested, type Theme, type Tone} from '../ui/view/theme.ts';

/** Where a command writes, and whether it may colour: one object, so tests can capture both. */
export type Output = {
	out: (text: string) => void;
	/** A command's own output, passed through as it comes (no newline added). */
	raw: (chunk: string) => void;
	err: (text: string) => void;
	color: boolean;
};

/** Text in a tone of the one theme (ui/view/theme.ts): the app, the plain renderer and every command look alike. */
export const paint = (output: Output, tone: Tone, text: string) => themeOf(output).paint(tone, text);

/** Rows built by the UI's section builders, written as lines. */
export const writeRows = (output: Output, rows: Line[]) => {
	for (const row of rows) {
		output.out(lineToString(row, themeOf(output)));
	}
};

const themes = new Map<boolean, Theme>();
const themeOf = (output: Output): Theme => {
	let theme = themes.get(output.color);
	if (!theme) {
		theme = createTheme(output.color);
		themes.set(output.color, theme);
	}

	return theme;
};

/** Colour by default on a terminal; never with NO_COLOR or --no-color (https://no-color.org). */
export const colorWanted = (noColorFlag: boolean, stream: NodeJS.WriteStream = process.stdout) =>
	!noColorFlag && !noColorRequested(process.env) && Boolean(stream.isTTY);

/** The process's real output. */
export const processOutput = (color: boolean): Output => ({
	out: text => process.stdout.write(`${text}\n`),
	raw: chunk => process.stdout.write(chunk),
	err: text => process.stderr.write(`${text}\n`),
	color,
});
