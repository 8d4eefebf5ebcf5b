import {stripVTControlCharacters} from 'node:util';
import type {Marked, MarkedExtension, Tokens} from 'marked';

/** How to render: the width to reflow to, and whether styles may be used. */
export type MarkdownOptions = {width: number; color?: boolean};

type Renderer = (text: string) => string;

type Modules = {
	Marked: typeof Marked;
	markedTerminal: (options?: Record<string, unknown>, highlight?: Record<string, unknown>) => MarkedExtension;
};

let modules: Modules | undefined;
let loading: Promise<boolean> | undefined;
// One renderer per width and colour setting: building marked-terminal's renderer is not free,
// and a resize should not rebuild it for every frame.
const renderers = new Map<string, Renderer>();

// marked-terminal's style options; with colour off each becomes the identity.
const styleOptions = [
	'code',
	'blockquote',
	'html',
	'heading',
	'firstHeading',
	'hr',
	'listitem',
	'table',
	'paragraph',
	'strong',
	'em',
	'codespan',
	'del',
	'link',
	'href',
];

/**
 * Loads marked and marked-terminal (with its heavy syntax highlighter) once. The UI calls it
 * after its first frame, so startup never waits for it. Resolves false if they cannot load;
 * prose is then shown raw.
 */
export async function loadMarkdown(): Promise<boolean> {
	loading ??= Promise.all([import('marked'), import('marked-terminal')]).then(
		([marked, terminal]) => {
			modules = {Marked: marked.Marked, markedTerminal: terminal.markedTerminal};
			return true;
		},
		() => false,
	);
	return loading;
}

/** True once `loadMarkdown()` has loaded the renderer. */
export function isMarkdownLoaded(): boolean {
	return modules !== undefined;
}

function build(loaded: Modules, width: number, color: boolean): Renderer {
	const identity = (text: string) => text;
	const styles = color ? {} : Object.fromEntries(styleOptions.map(name => [name, identity]));
	const marked = new loaded.Marked(
		loaded.markedTerminal({
			...styles,
			width,
			reflowText: true,
			showSectionPrefix: false,
			emoji: false,
			tab: 2,
		}),
		{
			renderer: {
				// A tight list item's text is a block token whose inline tokens (code, bold, links)
				// marked-terminal 7 prints as raw source with marked >= 13 (its issues #304, #371):
				// parse them. A leaf text token returns false, which falls back to marked-terminal.
				text(this: {parser: {parseInline(tokens: Tokens.Generic[]): string}}, token: Tokens.Text | Tokens.Escape) {
					return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : false;
				},
				// Plain `text (href)`: a terminal hyperlink escape would be miscounted by the layout.
				link(this: {parser: {parseInline(tokens: Tokens.Generic[]): string}}, token: Tokens.Link) {
					const text = this.parser.parseInline(token.tokens);
					return text === token.href ? token.href : `${text} (${token.href})`;
				},
			},
		},
	);
	return text => {
		const rendered = marked.parse(text, {async: false}).replace(/\n+$/, '');
		// marked-terminal colours code and tables through the global chalk; strip whatever got through.
		return color ? rendered : stripVTControlCharacters(rendered);
	};
}

/**
 * Renders lesson Markdown for a terminal `width` columns wide. Pure: the same text and options
 * give the same output. Until `loadMarkdown()` has resolved it returns the prose as written.
 */
export function renderMarkdown(text: string, options: MarkdownOptions): string {
	const color = options.color ?? true;
	if (!modules) {
		return text.trim();
	}

	const key = `${options.width}:${color}`;
	let render = renderers.get(key);
	if (!render) {
		render = build(modules, Math.max(20, options.width), color);
		renderers.set(key, render);
	}

	try {
		return render(text);
	} catch {
		return text.trim();
	}
}
