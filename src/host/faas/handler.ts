import {readdirSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {readText} from '../rootfs/files.ts';
import type {FaasService} from './service.ts';

/** What a handler script does for each request, as far as its text says: for "what changed", never for a verdict. */
export type HandlerTraits = {
	/** Namespaces its `unshare` line asks for, in unshare's words (`pid`, `mount`…). */
	unshares: string[];
	/** It moves the request into a control group (`… > …/cgroup.procs`, or on v1 its thread: `echo 0 > …/tasks`). */
	joinsGroup: boolean;
	/** It removes the request's directory afterwards (`rm -rf`). */
	cleansUp: boolean;
	/** Entries left in the per-request directory beside it (`req/`), when it has one. */
	requestsLeft?: number;
};

/** A faas listener, and what its handler does for each request: the faas fact's part of a snapshot. */
export type FaasSnapshot = FaasService & {
	traits?: HandlerTraits;
	/** Host mounts under the handler's folder: a handler that mounts outside its request's mount namespace leaves them. */
	mounts?: string[];
};

const unshareFlags = ['pid', 'mount', 'uts', 'ipc', 'net', 'user', 'cgroup'];

/** Reads what a handler's text says it does (pure: tested on the lesson's own scripts). */
export function handlerTraits(text: string): Omit<HandlerTraits, 'requestsLeft'> {
	const code = text.split('\n').filter(line => !line.trim().startsWith('#')).join('\n');
	const unshare = /\bunshare\b([^\n]*)/.exec(code)?.[1] ?? '';
	return {
		unshares: unshareFlags.filter(flag => new RegExp(`--${flag}\\b`).test(unshare)),
		joinsGroup: /cgroup\.procs|\/tasks(?=\s|$)/.test(code),
		cleansUp: /\brm\s+-[a-z]*r[a-z]*\b/.test(code),
	};
}

/** Reads a handler's traits, and how many request directories are left beside it; undefined when it cannot be read. */
export async function readHandler(handler: string): Promise<HandlerTraits | undefined> {
	const text = await readText(handler);
	if (text === null) {
		return undefined;
	}

	let requestsLeft: number | undefined;
	try {
		requestsLeft = readdirSync(join(dirname(handler), 'req')).length;
	} catch {
		requestsLeft = undefined;
	}

	return {...handlerTraits(text), ...(requestsLeft === undefined ? {} : {requestsLeft})};
}
