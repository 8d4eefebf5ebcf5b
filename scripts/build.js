// Bundles the CLI so that `rootcamp verify` loads one small file instead of hundreds of modules,
// and splits the app, the Markdown renderer and each command into chunks loaded only when used.
import {build} from 'esbuild';
import {chmodSync, rmSync} from 'node:fs';

rmSync('dist', {recursive: true, force: true});
await build({
	entryPoints: ['src/cli.tsx'],
	outdir: 'dist',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	jsx: 'automatic',
	minify: false,
	sourcemap: false,
	legalComments: 'none',
	chunkNames: 'chunks/[name]-[hash]',
	external: ['react-devtools-core'],
	// Lesson prose has no code blocks to colour and no emoji codes: see src/ui/no-highlight.ts, no-emoji.ts.
	alias: {'cli-highlight': './src/ui/no-highlight.ts', 'node-emoji': './src/ui/no-emoji.ts'},
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {js: "import {createRequire as __rootcampRequire} from 'node:module'; const require = __rootcampRequire(import.meta.url);"},
	logLevel: 'warning',
});
chmodSync('dist/cli.js', 0o755);
