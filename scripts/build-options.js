// esbuild options shared by the CLI's build and the bench's in-process runner, so the bench
// measures code bundled exactly as the shipped `rootcamp` is.
export const bundleOptions = {
	bundle: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	jsx: 'automatic',
	minify: false,
	sourcemap: false,
	legalComments: 'none',
	external: ['react-devtools-core'],
	// Lesson prose has no code blocks to colour and no emoji codes: see src/ui/view/no-highlight.ts, no-emoji.ts.
	alias: {'cli-highlight': './src/ui/view/no-highlight.ts', 'node-emoji': './src/ui/view/no-emoji.ts'},
	define: {'process.env.NODE_ENV': '"production"'},
	banner: {js: 'import {createRequire as __rootcampRequire} from \'node:module\'; const require = __rootcampRequire(import.meta.url);'},
	logLevel: 'warning',
};
