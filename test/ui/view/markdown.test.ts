import {stripVTControlCharacters} from 'node:util';
import test from 'ava';
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
