// Bundles the CLI so that `rootcamp verify` loads one small file instead of hundreds of modules,
// and splits the app, the Markdown renderer and each command into chunks loaded only when used.
import {chmodSync, rmSync} from 'node:fs';
import {build} from 'esbuild';
import {bundleOptions} from './build-options.js';

rmSync('dist', {recursive: true, force: true});
await build({
	...bundleOptions,
	entryPoints: ['src/cli.tsx'],
	outdir: 'dist',
	splitting: true,
	chunkNames: 'chunks/[name]-[hash]',
});
chmodSync('dist/cli.js', 0o755);
