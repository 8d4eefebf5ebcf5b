import {randomUUID} from 'node:crypto';

/** A bare HTTP client for the classroom's API, as a student's or an instructor's program would be. */
export const post = async (url: string, body: unknown, token?: string, type = 'application/json') => {
	const response = await fetch(url, {
		method: 'POST',
		headers: {'content-type': type, ...(token ? {authorization: `Bearer ${token}`} : {})},
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
	return {status: response.status, body: await response.json() as Record<string, unknown>};
};

export const get = async (url: string, token?: string) => {
	const response = await fetch(url, {headers: token ? {authorization: `Bearer ${token}`} : {}});
	return {status: response.status, body: await response.json() as Record<string, unknown>};
};

/** The base URL in a join command: `rootcamp join URL --name …`. */
export const joinUrl = (join: string) => join.split(' ')[2]!;

export const origin = (join: string) => new URL(joinUrl(join)).origin;

/** The instructor's token, from the dashboard's address. */
export const instructorToken = (dashboard: string) => new URL(dashboard).searchParams.get('token')!;

export const verdict = (lesson: string, step: string, status: 'pass' | 'fail', extra: Record<string, unknown> = {}) => ({id: randomUUID(), kind: 'verdict', at: Date.now(), lesson, step, status, ...extra});
