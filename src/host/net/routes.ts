/** One IPv4 route, from `ip -4 -json route show table all`. */
export type IpRoute = {
	/** `default`, a prefix such as `10.200.0.0/30`, or one address (a /32, as ip prints it). */
	dst: string;
	/** The next hop (`via`), when the route has one. */
	gateway?: string;
	dev?: string;
	/** `unicast` unless ip says otherwise (`local`, `broadcast`, `blackhole`…). */
	type: string;
	/** `main` unless ip says otherwise (`local`, a number…). */
	table: string;
	protocol?: string;
	scope?: string;
	/** The source address the kernel picks for packets sent along this route. */
	prefsrc?: string;
};

type IpRouteJson = {dst?: string; gateway?: string; dev?: string; type?: string; table?: string; protocol?: string; scope?: string; prefsrc?: string};

/** Turns `ip -json route show …` output into routes; entries without a destination are dropped. */
export function parseIpRoutes(text: string): IpRoute[] {
	const raw = JSON.parse(text.trim() === '' ? '[]' : text) as IpRouteJson[];
	return raw.filter(entry => typeof entry.dst === 'string').map(entry => {
		const route: IpRoute = {dst: entry.dst!, type: entry.type ?? 'unicast', table: entry.table ?? 'main'};
		for (const key of ['gateway', 'dev', 'protocol', 'scope', 'prefsrc'] as const) {
			if (entry[key] !== undefined) {
				route[key] = entry[key];
			}
		}

		return route;
	});
}

/** A destination as a check compares it: `default` for 0.0.0.0/0, `/32` written out for one address. */
export function normalizeDestination(dst: string): string {
	if (dst === 'default' || dst === '0.0.0.0/0') {
		return 'default';
	}

	return dst.includes('/') ? dst : `${dst}/32`;
}

/** `default route via 10.200.0.1 dev vethCont`, `route to 10.200.0.0/30 dev vethHost`. */
export function describeRoute(route: IpRoute): string {
	const destination = normalizeDestination(route.dst);
	return [destination === 'default' ? 'default route' : `route to ${destination}`, route.gateway === undefined ? '' : `via ${route.gateway}`, route.dev === undefined ? '' : `dev ${route.dev}`].filter(Boolean).join(' ');
}

/** The routes of the main table (what `ip route` shows and what a check compares). */
export function mainRoutes(routes: IpRoute[]): IpRoute[] {
	return routes.filter(route => route.table === 'main');
}
