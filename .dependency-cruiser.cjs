/**
 * The house's layers, lowest first: a module may import from its own layer and the ones below,
 * never from one above (types included), and nothing may import in a circle.
 *   errors → lesson → host → image → check → run → workshop → sandbox → classroom → commands, ui → cli
 * `commands` may use the UI's pure view builders (one printing path); the UI never uses a command.
 * `sandbox` makes, enters and removes sandboxes around the workshop, which never imports it.
 */
const layers = ['errors', 'lesson', 'host', 'image', 'check', 'run', 'workshop', 'sandbox', 'classroom', 'commands', 'ui', 'cli'];
const path = layer => ({errors: '^src/errors\\.ts$', cli: '^src/cli\\.tsx$'})[layer] ?? `^src/${layer}/`;

const above = index => layers.slice(index + 1).filter(layer => !(layers[index] === 'commands' && layer === 'ui'));

module.exports = {
	forbidden: [
		{
			name: 'no-circular',
			severity: 'error',
			comment: 'A circle makes two modules one, and makes import order matter.',
			from: {},
			to: {circular: true},
		},
		...layers.slice(0, -1).map((layer, index) => ({
			name: `${layer}-imports-nothing-above-it`,
			severity: 'error',
			comment: `${layer} sits below ${above(index).join(', ')}: its imports run down only.`,
			from: {path: path(layer)},
			to: {path: above(index).map(path)},
		})),
		{
			name: 'no-orphans',
			severity: 'error',
			comment: 'A module nothing imports is dead code. cli.tsx is the entry point; no-highlight and no-emoji stand in for two of marked-terminal\'s imports (aliased in scripts/build-options.js); a .d.ts only declares types.',
			from: {orphan: true, path: '^src/', pathNot: ['^src/cli\\.tsx$', '^src/ui/view/no-(highlight|emoji)\\.ts$', '\\.d\\.ts$']},
			to: {},
		},
	],
	options: {
		doNotFollow: {path: 'node_modules'},
		tsPreCompilationDeps: true,
		tsConfig: {fileName: 'tsconfig.json'},
		enhancedResolveOptions: {extensions: ['.ts', '.tsx', '.js']},
	},
};
