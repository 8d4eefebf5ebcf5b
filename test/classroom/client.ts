import {randomUUID} from 'node:crypto';

/**
 * Each request on a connection of its own. Tests stop and restart servers on the same port, and a
 * pooled keep-alive connection to the stopped one can still look open when the next POST goes out
 * (its end not yet read by this process's loop): fetch does not retry a POST, so it failed with
 * "fetch failed" in CI. A browser or the student's sender retries; this bare client does not.
 */
const fresh = {connection: 'close'};

/** A bare HTTP client for the classroom's API, as a student's or an instructor's program would be. */
export const post = async (url: string, body: unknown, token?: string, type = 'application/json') => {
	const response = await fetch(url, {
		method: 'POST',
		headers: {...fresh, 'content-type': type, ...(token ? {authorization: `Bearer ${token}`} : {})},
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	return {status: response.status, body: await response.json() as Record<string, unknown>};
};

export const get = async (url: string, token?: string) => {
	const response = await fetch(url, {headers: {...fresh, ...(token ? {authorization: `Bearer ${token}`} : {})}});
	return {status: response.status, body: await response.json() as Record<string, unknown>};
};

/** The base URL in a join command: `rootcamp join URL --name …`. */
export const joinUrl = (join: string) => join.split(' ')[2]!;

export const origin = (join: string) => new URL(joinUrl(join)).origin;

/** The instructor's token, from the dashboard's address. */
export const instructorToken = (dashboard: string) => new URL(dashboard).searchParams.get('token')!;

export const verdict = (lesson: string, step: string, status: 'pass' | 'fail', extra: Record<string, unknown> = {}) => ({id: randomUUID(), kind: 'verdict', at: Date.now(), lesson, step, status, ...extra});
