/** Every colour and text style the UI uses; with colour off, no tone adds an escape code. */
export type Tone =
	| 'title'
	| 'heading'
	| 'muted'
	| 'pass'
	| 'fail'
	| 'skip'
	| 'accent'
	| 'command'
	| 'key'
	| 'error'
	| 'add'
	| 'remove'
	| 'change'
	| 'selected'
	| 'warn'
	| 'border';

/** The subset of Ink's `<Text>` props a tone sets. */
type TextStyle = {
	color?: string;
	bold?: boolean;
	dimColor?: boolean;
	italic?: boolean;
	inverse?: boolean;
};

/** Looks, for Ink (`text`) and for the plain renderer (`paint`). */
export type Theme = {
	readonly color: boolean;
	readonly text: Readonly<Record<Tone, TextStyle>>;
	paint(tone: Tone | undefined, text: string): string;
};

const styles: Record<Tone, TextStyle> = {
	title: {color: 'cyan', bold: true},
	heading: {bold: true},
	muted: {color: 'gray'},
	pass: {color: 'green'},
	fail: {color: 'red'},
	skip: {color: 'yellow'},
	accent: {color: 'cyan'},
	command: {color: 'yellow'},
	key: {color: 'cyan', bold: true},
	error: {color: 'red', bold: true},
	add: {color: 'green'},
	remove: {color: 'red'},
	change: {color: 'yellow'},
	selected: {color: 'cyan', bold: true},
	warn: {color: 'yellow'},
	border: {color: 'gray'},
};

// SGR codes for the plain renderer, which writes strings rather than Ink elements.
const sgr: Record<string, number> = {
	red: 31,
	green: 32,
	yellow: 33,
	blue: 34,
	magenta: 35,
	cyan: 36,
	gray: 90,
};

const none: Record<Tone, TextStyle> = Object.fromEntries(Object.keys(styles).map(tone => [tone, {}])) as Record<Tone, TextStyle>;

function sgrOpen(style: TextStyle): string {
	const codes: number[] = [];
	if (style.bold) {
		codes.push(1);
	}

	if (style.dimColor) {
		codes.push(2);
	}

	if (style.italic) {
		codes.push(3);
	}

	if (style.inverse) {
		codes.push(7);
	}

	const color = style.color === undefined ? undefined : sgr[style.color];
	if (color !== undefined) {
		codes.push(color);
	}

	return codes.length === 0 ? '' : `\u001B[${codes.join(';')}m`;
}

/** Builds the theme; `color: false` (NO_COLOR, --no-color) makes every tone a no-op. */
export function createTheme(color: boolean): Theme {
	const text = color ? styles : none;
	return {
		color,
		text,
		paint(tone, value) {
			if (!color || tone === undefined || value === '') {
				return value;
			}

			const open = sgrOpen(text[tone]);
			return open === '' ? value : `${open}${value}\u001B[0m`;
		},
	};
}

/** True when the environment asks for no colour (https://no-color.org: set and not empty). */
export function noColorRequested(env: NodeJS.ProcessEnv): boolean {
	return typeof env.NO_COLOR === 'string' && env.NO_COLOR !== '';
}
