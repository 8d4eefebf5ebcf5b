const seen = new Set();
export async function resolve(specifier, context, next) {
	const result = await next(specifier, context);
	const m = result.url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
	if (m && !seen.has(m[1])) { seen.add(m[1]); process.stderr.write(`pkg ${m[1]}\n`); }
	return result;
}
