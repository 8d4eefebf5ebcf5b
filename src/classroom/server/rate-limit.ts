/**
 * A token bucket per client: `burst` requests at once, then `perSecond`. A flood from one student
 * (keyed by their id) or one address spends only its own bucket, so the others are not slowed.
 */
export const rateLimiter = ({burst, perSecond}: {burst: number; perSecond: number}, clock = () => Date.now()) => {
	const buckets = new Map<string, {tokens: number; at: number}>();
	return {
		/** True when `key` may go on now; false: answer 429. */
		take(key: string): boolean {
			const now = clock();
			const bucket = buckets.get(key) ?? {tokens: burst, at: now};
			bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000 * perSecond));
			bucket.at = now;
			buckets.set(key, bucket);
			if (bucket.tokens < 1) {
				return false;
			}

			bucket.tokens--;
			// Full buckets carry nothing worth keeping: dropping them bounds the map by the active clients.
			if (buckets.size > 10_000) {
				for (const [other, {tokens, at}] of buckets) {
					if (tokens + ((now - at) / 1000 * perSecond) >= burst) {
						buckets.delete(other);
					}
				}
			}

			return true;
		},
	};
};
