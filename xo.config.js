/**
 * The linter, in the style the code already follows (tabs, ESM, single quotes). Each rule that is
 * switched off says why: they are the places where this codebase chose otherwise on purpose.
 * @type {import('xo').FlatXoConfig}
 */
const xoConfig = [
	{
		react: true,
		rules: {
			// Short objects stay on one line: a rule that unfolds every literal turns a row of a table into ten.
			'@stylistic/object-curly-newline': 'off',
			// A learner-facing message is one sentence on one line, so it can be found with grep.
			'@stylistic/max-len': 'off',
			// Object keys here are data: paths (`etc/resolv.conf`), step refs (`enter/chroot`), the lessons'
			// variable names (`host-address`), environment variables and PIDs.
			'@typescript-eslint/naming-convention': 'off',
			// `null` is "looked, and nothing is there" (no container, no tarball); `undefined` is "not looked".
			'@typescript-eslint/no-restricted-types': 'off',
			// Node's globals are used as globals; importing `process` in every file adds nothing.
			'n/prefer-global/process': 'off',
			'n/prefer-global/buffer': 'off',
			// Steps, blocks, reset's undo order and retries run one after the other on purpose: each sees the host the last one left.
			'no-await-in-loop': 'off',
			// `(await probes.container())?.pid` reads as what it is.
			'unicorn/no-await-expression-member': 'off',
			// `.catch(() => [])` per probe: a listing that fails explains nothing, and must not stop the step.
			'promise/prefer-await-to-then': 'off',
			// A comment may continue a sentence, or quote a command (`ip link …`).
			'capitalized-comments': 'off',
			// Kernel flags and file modes are bit fields.
			'no-bitwise': 'off',
			// `.then(onValue, onError)` keeps an error thrown by the value handler apart from the promise's own;
			// rewriting it as `.catch().then()` changes what runs (the value handler would run after a failure).
			'promise/prefer-catch': 'off',
			// `(path): path is string => Boolean(path)` is a type guard; `.filter(Boolean)` narrows nothing in TypeScript 5.
			'unicorn/prefer-native-coercion-functions': 'off',
			// Arithmetic (`2 ** (32 - length)`, `high * 256 + low`) keeps the precedence everyone learned at school.
			'@stylistic/no-mixed-operators': 'off',
			// A switch handles the cases it names and lets the others through; TypeScript checks the rest.
			'@typescript-eslint/switch-exhaustiveness-check': 'off',
			// `color` is the app's prop for the CLI's --no-color and NO_COLOR, named as they are.
			'react/boolean-prop-naming': 'off',
			// An error's exit code is a field, as Node's own errors carry `code`.
			'@typescript-eslint/class-literal-property-style': 'off',
			// Fields are declared in the class body, each with its comment.
			'@typescript-eslint/parameter-properties': 'off',
			// An options object as a default is read where it is called, and callers replace it whole.
			'unicorn/no-object-as-default-parameter': 'off',
			// Each finding or undo is pushed where it is decided, with its own condition.
			'unicorn/prefer-single-call': 'off',
			// A short ternary stays on its line, in JSX too.
			'@stylistic/multiline-ternary': 'off',
			// A list of short items stays on one row, as an object does.
			'@stylistic/array-element-newline': 'off',
			// The bundle uses React's automatic JSX runtime (esbuild `jsx: automatic`): no React in scope.
			'react/react-in-jsx-scope': 'off',
			// Props are never written to; marking each props type Readonly adds nothing TypeScript checks here.
			'react/prefer-read-only-props': 'off',
			// Members are ordered as they are read: state, then what uses it, public before private helpers.
			'@typescript-eslint/member-ordering': 'off',
			// `new Promise(resolve => setTimeout(resolve, 50))` is the idiom for a short wait.
			'no-promise-executor-return': 'off',
			// `.filter(Boolean)` and `.map(describe)` pass functions that take one argument on purpose.
			'unicorn/no-array-callback-reference': 'off',
			// Sums and merges read best as a reduce.
			'unicorn/no-array-reduce': 'off',
			// Size is held by the file-length rule (test/layout.test.ts) and by review; a count of branches is not.
			complexity: 'off',
			'max-params': 'off',
		},
	},
	{
		files: ['**/*.{ts,tsx}'],
		rules: {
			// An empty string is as good as unset for an environment variable or a label: `||` means that.
			'@typescript-eslint/prefer-nullish-coalescing': ['error', {ignorePrimitives: {string: true}}],
		},
	},
	{
		files: ['scripts/**'],
		rules: {
			// The benchmark and build scripts are command-line programs: they exit with their status.
			'unicorn/no-process-exit': 'off',
		},
	},
	{
		files: ['test/helpers/**'],
		rules: {
			// Helpers, not tests: AVA is told to run test/**/*.test.ts only.
			'ava/no-ignored-test-files': 'off',
		},
	},
	{
		files: ['test/**'],
		rules: {
			// AVA's messages are optional; most assertions say enough with their values.
			'ava/assertion-arguments': 'off',
			// Fixtures index lookup tables (`({1: 'pid:[1]'} as Record<number, string>)[pid]`).
			'@typescript-eslint/consistent-type-assertions': 'off',
		},
	},
];

export default xoConfig;
