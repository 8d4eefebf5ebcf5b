import jsQRExport from 'jsqr';

/** jsQR's entry point, as much of it as is used here. */
type Decode = (data: Uint8ClampedArray, width: number, height: number) => {data: string} | null;

// jsQR is CommonJS whose types declare an ES default export: imported, it is the function itself.
const jsQR = jsQRExport as unknown as Decode;

type Shade = 'dark' | 'light';

/** The glyphs a small terminal QR code is drawn with: each is two modules, top and bottom. */
const halves: Record<string, (fg: Shade, bg: Shade) => [Shade, Shade]> = {
	' ': (_, bg) => [bg, bg],
	'▀': (fg, bg) => [fg, bg],
	'▄': (fg, bg) => [bg, fg],
	'█': fg => [fg, fg],
};

/** The SGR colours qrcode's terminal renderer sets; 0 goes back to the terminal's own, taken as a light page. */
const sgrColours: Record<string, Partial<{fg: Shade; bg: Shade}>> = {
	'': {fg: 'dark', bg: 'light'},
	0: {fg: 'dark', bg: 'light'},
	30: {fg: 'dark'},
	37: {fg: 'light'},
	40: {bg: 'dark'},
	47: {bg: 'light'},
};

const applySgr = (codes: string, colours: {fg: Shade; bg: Shade}) => {
	for (const code of codes.split(';')) {
		Object.assign(colours, sgrColours[code]);
	}
};

/** An SGR escape (ESC [ codes m), or one character. */
const sgrOrGlyph = new RegExp(`${String.fromCodePoint(27)}\\[([\\d;]*)m|(.)`, 'gu');

/**
 * The modules of a QR code printed for a terminal, as the terminal shows them: each glyph's
 * drawn half in the foreground colour, the rest in the background. Lines without a QR glyph are
 * the text around it. True is a dark module.
 */
export const terminalQrModules = (printed: string): boolean[][] => {
	const colours: {fg: Shade; bg: Shade} = {fg: 'dark', bg: 'light'};
	const rows: boolean[][] = [];
	for (const line of printed.split('\n')) {
		const top: boolean[] = [];
		const bottom: boolean[] = [];
		for (const [, sgr, glyph] of line.matchAll(sgrOrGlyph)) {
			if (sgr !== undefined) {
				applySgr(sgr, colours);
			} else if (glyph !== undefined && glyph in halves) {
				const [upper, lower] = halves[glyph]!(colours.fg, colours.bg);
				top.push(upper === 'dark');
				bottom.push(lower === 'dark');
			}
		}

		if (/[▀▄█]/.test(line)) {
			rows.push(top, bottom);
		}
	}

	return rows;
};

/** Decodes a terminal QR code as a phone's camera would: drawn at 4 pixels a module on a light page, then read by jsQR. */
export const decodeTerminalQr = (printed: string): string | undefined => {
	const modules = terminalQrModules(printed);
	const scale = 4;
	const margin = 4;
	const columns = Math.max(...modules.map(row => row.length));
	const width = (columns + (2 * margin)) * scale;
	const height = (modules.length + (2 * margin)) * scale;
	const pixels = new Uint8ClampedArray(width * height * 4).fill(255);
	for (const [y, row] of modules.entries()) {
		for (const [x, dark] of row.entries()) {
			if (!dark) {
				continue;
			}

			for (let dy = 0; dy < scale; dy++) {
				for (let dx = 0; dx < scale; dx++) {
					const offset = ((((y + margin) * scale) + dy) * width + (((x + margin) * scale) + dx)) * 4;
					pixels.fill(0, offset, offset + 3);
				}
			}
		}
	}

	return jsQR(pixels, width, height)?.data;
};
