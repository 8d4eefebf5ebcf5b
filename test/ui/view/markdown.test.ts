import {stripVTControlCharacters} from 'node:util';
import {join} from 'node:path';
import test from 'ava';
import type * as Marked from 'marked';
import {isMarkdownLoaded, loadMarkdown, renderMarkdown} from '../../../src/ui/view/markdown.ts';

const prose = 'Mount **a fresh** `/proc` inside, because [the kernel](https://docs.kernel.org/) says so. '
	+ 'This sentence is long enough to need wrapping at forty columns, twice at least.';

// Serial: the first test must see the renderer before anything has loaded it.
test.serial('before the renderer has loaded, the prose is shown as written', t => {
	t.false(isMarkdownLoaded());
	t.is(renderMarkdown(`${prose}\n\n`, {width: 40}), prose);
});

test.serial('once loaded, Markdown is rendered and reflowed to the width', async t => {
	t.true(await loadMarkdown());
	t.true(isMarkdownLoaded());
	const rendered = renderMarkdown(prose, {width: 40, color: false});
	t.false(rendered.includes('**'));
	t.false(rendered.includes('`'));
	t.true(rendered.replaceAll('\n', ' ').includes('the kernel (https://docs.kernel.org/)'), 'links are text and address, no hyperlink escape');
	t.true(rendered.split('\n').every(row => row.length <= 40));
});

test.serial('with colour off there is no escape code at all, code blocks included', async t => {
	await loadMarkdown();
	const rendered = renderMarkdown(`${prose}\n\n\`\`\`sh\necho hi\n\`\`\`\n\n| a | b |\n| - | - |\n| 1 | 2 |\n`, {width: 60, color: false});
	t.is(rendered, stripVTControlCharacters(rendered));
	t.true(rendered.includes('echo hi'));
});

test.serial('the same input gives the same output (one renderer per width)', async t => {
	await loadMarkdown();
	t.is(renderMarkdown(prose, {width: 50}), renderMarkdown(prose, {width: 50}));
	t.not(renderMarkdown(prose, {width: 30, color: false}), renderMarkdown(prose, {width: 70, color: false}));
});

/** Every inline Markdown token (code, bold, emphasis, link) in a text, with whether it sits in a list item. */
const inlineTokens = (marked: typeof Marked, text: string) => {
	const found: Array<{raw: string; inList: boolean}> = [];
	const walk = (tokens: unknown[], inList: boolean) => {
		for (const token of tokens as Array<{type: string; raw: string; tokens?: unknown[]; items?: unknown[]}>) {
			if (['codespan', 'strong', 'em', 'link'].includes(token.type)) {
				found.push({raw: token.raw, inList});
			}

			walk(token.tokens ?? [], inList || token.type === 'list_item');
			walk(token.items ?? [], inList || token.type === 'list');
		}
	};

	walk(marked.lexer(text), false);
	return found;
};

test.serial('every shipped lesson renders its inline Markdown, in lists at every depth too', async t => {
	await loadMarkdown();
	const marked = await import('marked');
	const {loadCourse} = await import('../../../src/lesson/load.ts');
	const {course, errors} = loadCourse(join(import.meta.dirname, '../../../lessons'));
	t.deepEqual(errors, []);
	let inLists = 0;
	for (const lesson of course.lessons) {
		for (const [where, prose] of [[lesson.id, lesson.intro], ...lesson.steps.map(step => [`${lesson.id}/${step.id}`, step.prose])] as Array<[string, string]>) {
			for (const color of [false, true]) {
				const shown = stripVTControlCharacters(renderMarkdown(prose, {width: 100, color}));
				for (const token of inlineTokens(marked, prose)) {
					inLists += token.inList ? 1 : 0;
					t.false(shown.includes(token.raw), `${where} shows ${token.raw} as written (colour ${color ? 'on' : 'off'})`);
				}
			}
		}
	}

	t.true(inLists > 20, `the lessons' lists hold inline Markdown to check (${inLists} tokens)`);
});

test.serial('inline Markdown renders inside nested and ordered list items', async t => {
	await loadMarkdown();
	const rendered = renderMarkdown('- `--pid` makes a **new** PID *namespace*, see [man](https://man7.org/)\n  - nested `deep` **bold**\n\n1. first `one`\n', {width: 80, color: false});
	t.regex(rendered, /\* --pid makes a new PID namespace, see man \(https:\/\/man7\.org\/\)/);
	t.regex(rendered, /\n {4}\* nested deep bold/);
	t.regex(rendered, /1\. first one/);
	t.notRegex(rendered.replaceAll(/^\s*\* /gm, ''), /[`*]{1,2}\w/, 'no backtick or asterisk markup is left');
});
