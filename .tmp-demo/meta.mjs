import {build} from 'esbuild';
const r = await build({entryPoints: ['src/cli.tsx'], outdir: '/tmp/distmeta', bundle: true, splitting: true, format: 'esm', platform: 'node', target: 'node20', jsx: 'automatic', write: false, metafile: true, external: ['react-devtools-core'], define: {'process.env.NODE_ENV': '"production"'}, chunkNames: 'chunks/[name]-[hash]', logLevel: 'error'});
for (const [out, meta] of Object.entries(r.metafile.outputs)) {
	if (!out.includes('/app-')) continue;
	console.log(out, meta.bytes, 'imports:', meta.imports.filter(i => i.kind === 'import-statement').map(i => i.path + ' ' + (r.metafile.outputs[i.path]?.bytes ?? '')).join(', '));
	const inputs = Object.entries(meta.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, 12);
	for (const [f, m] of inputs) console.log('  ', m.bytesInOutput, f);
	for (const i of meta.imports.filter(i => i.kind === 'import-statement')) {
		const o = r.metafile.outputs[i.path]; if (!o) continue;
		console.log(' chunk', i.path, o.bytes, Object.entries(o.inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, 6).map(([f, m]) => `${f}:${m.bytesInOutput}`).join(' '));
	}
}
