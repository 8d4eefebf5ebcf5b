/** Items of `a` not matched in `b` by `key`, counting duplicates (a path can be mounted twice). */
export function subtractBy<T>(a: readonly T[], b: readonly T[], key: (item: T) => string): T[] {
	const left = b.map(key);
	return a.filter(item => {
		const index = left.indexOf(key(item));
		if (index === -1) {
			return true;
		}

		left.splice(index, 1);
		return false;
	});
}
