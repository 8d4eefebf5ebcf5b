import {readFileSync, readdirSync} from 'node:fs';
const file = readdirSync('/tmp/prof')[0];
const prof = JSON.parse(readFileSync('/tmp/prof/' + file, 'utf8'));
// Self time by url (module), for samples within the first N ms.
const limit = Number(process.argv[2] ?? 600) * 1000;
const byId = new Map(prof.nodes.map(n => [n.id, n]));
const self = new Map();
let t = 0;
prof.samples.forEach((id, i) => {
	t += prof.timeDeltas[i];
	if (t > limit) return;
	const n = byId.get(id);
	const url = (n.callFrame.url || '(' + n.callFrame.functionName + ')').replace(/.*\/work\/main\//, '');
	self.set(url, (self.get(url) ?? 0) + prof.timeDeltas[i]);
});
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([u, v]) => `${(v / 1000).toFixed(0).padStart(5)} ms ${u}`).join('\n'));
