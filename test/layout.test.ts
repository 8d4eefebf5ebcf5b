import {readdirSync, readFileSync} from 'node:fs';
import {join, relative} from 'node:path';
import test from 'ava';

const root = new URL('..', import.meta.url).pathname;
/** About 300 lines: past that a module holds two things, and the second one wants a name of its own. */
const maxLines = 320;

const sources = (dir: string): string[] => readdirSync(dir, {withFileTypes: true}).flatMap(entry => {
	const path = join(dir, entry.name);
	return entry.isDirectory() ? sources(path) : (/\.tsx?$/.test(entry.name) ? [path] : []);
});

test(`no file in src/ is longer than ${maxLines} lines`, t => {
	const files = sources(join(root, 'src'));
	t.true(files.length > 100, 'the walk finds the sources');
	const long = files.map(path => ({path: relative(root, path), lines: readFileSync(path, 'utf8').split('\n').length}))
		.filter(file => file.lines > maxLines);
	t.deepEqual(long, []);
});

test('each kind of host fact is one module of the registry, and the registry names them all', t => {
	const modules = readdirSync(join(root, 'src/workshop/facts')).filter(name => !['fact.ts', 'registry.ts'].includes(name));
	const registry = readFileSync(join(root, 'src/workshop/facts/registry.ts'), 'utf8');
	t.deepEqual(modules.filter(name => !registry.includes(`from './${name}'`)), [], 'a fact module the registry leaves out is never read');
});
