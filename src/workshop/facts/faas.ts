import {dirname, join} from 'node:path';
import {readHandler, type FaasSnapshot} from '../../host/faas/handler.ts';
import {which} from '../../host/tools/tools.ts';
import {joinWords} from '../../check/format.ts';
import type {Change} from '../api.ts';
import type {JournalEntry} from '../journal.ts';
import {sameProcess, type Fact} from './fact.ts';

const directories = (n: number) => `${n} request director${n === 1 ? 'y' : 'ies'}`;

const under = (path: string | undefined, tree: string) => path?.startsWith(`${tree}/`) === true;

/** The faas lesson's folder: its function, handler, socket and per-request trees. */
const faasDir = (workdir: string) => join(workdir, 'faas');

/** The faas lesson's listener (socat on a Unix socket): "what changed" names it, reset ends it by PID. */
export const faasFact: Fact = {
	name: 'faas',
	// The round's one walk of /proc finds it: only socat processes have their command line read.
	async read({probes}) {
		const services = await probes.faasServices().catch(() => []);
		const hostMounts = services.length > 0 ? await probes.hostMounts() : [];
		return {faas: await Promise.all(services.map(async service => {
			if (service.handler === undefined) {
				return service;
			}

			const traits = await readHandler(service.handler);
			const mounts = hostMounts.map(mount => mount.target).filter(target => under(target, dirname(service.handler!)));
			return {...service, ...(traits === undefined ? {} : {traits}), ...(mounts.length > 0 ? {mounts} : {})};
		}))};
	},
	changes: (before, after) => serviceChanges(before.faas, after.faas),
	/** A listener that appeared: reset ends it and removes its socket; with it, the lesson's folder. */
	journal(before, after, {variables}) {
		const started = (after.faas ?? []).filter(service => !(before.faas ?? []).some(old => sameProcess(old, service)));
		const entries: JournalEntry[] = started.map(service => ({kind: 'service', name: 'faas', pid: service.pid, startTime: service.startTime, socket: service.socket}));
		// Requests' mounts a handler left on the host, deepest first: reset unmounts them before it deletes the folder.
		const had = new Set((before.faas ?? []).flatMap(service => service.mounts ?? []));
		const mounted = [...new Set((after.faas ?? []).flatMap(service => service.mounts ?? []))].filter(target => !had.has(target));
		entries.push(...mounted.sort((a, b) => b.length - a.length).map(target => ({kind: 'mount' as const, target})));
		const dir = variables.workdir === undefined ? undefined : faasDir(variables.workdir);
		// Only the lesson's own folder, and only when the service lives in it: never a folder a learner's socket happens to sit in.
		if (dir !== undefined && started.some(service => under(service.socket, dir) || under(service.handler, dir))) {
			entries.push({kind: 'tree', path: dir, what: 'the faas lesson\'s function, handler and per-request directories'});
		}

		return entries;
	},
	async leftovers({probes, journal}) {
		const ours = journal.filter(entry => entry.kind === 'service');
		return (await probes.faasServices()).filter(service => !ours.some(entry => sameProcess(entry, service)))
			.map(service => `a faas service rootcamp did not start still listens on ${service.socket} (pid ${service.pid}): kill ${service.pid}, then rm ${service.socket}`);
	},
	doctor: () => [which('socat')
		? {name: 'socat', ok: true, detail: `${which('socat')} (the faas lesson's listener)`}
		: {name: 'socat', ok: false, detail: 'not found: the faas lesson\'s service steps are skipped', fix: 'apt-get install socat (the faas lesson listens on a Unix socket with it)'}],
};

function serviceChanges(before: FaasSnapshot[] | undefined, after: FaasSnapshot[] | undefined): Change[] {
	if (before === undefined || after === undefined) {
		return [];
	}

	const ended = before.filter(service => !after.some(other => sameProcess(other, service)));
	const started = after.filter(service => !before.some(other => sameProcess(other, service)));
	return [
		...ended.map(service => ({sign: '-' as const, text: `faas service on ${service.socket} (pid ${service.pid}) ended`})),
		...started.map(service => ({sign: '+' as const, text: `faas service listening on ${service.socket}: pid ${service.pid}${service.handler ? `, running ${service.handler} for each request` : ''}`})),
		...after.flatMap(service => handlerChanges(service, before.find(other => sameProcess(other, service)))),
	];
}

/** What the same service's handler now does differently for each request, and what requests left beside it. */
function handlerChanges(service: FaasSnapshot, was: FaasSnapshot | undefined): Change[] {
	const [old, is] = [was?.traits, service.traits];
	if (old === undefined || is === undefined) {
		return [];
	}

	const name = `faas handler ${service.handler}`;
	const changes: Change[] = [];
	const gained = is.unshares.filter(flag => !old.unshares.includes(flag));
	if (gained.length > 0) {
		changes.push({sign: '~', text: `${name}: each request now gets its own ${joinWords(is.unshares)} namespaces (was ${joinWords(old.unshares) || 'none'})`});
	}

	if (is.joinsGroup && !old.joinsGroup) {
		changes.push({sign: '~', text: `${name}: each request now joins a control group of its own`});
	}

	if (is.cleansUp && !old.cleansUp) {
		changes.push({sign: '~', text: `${name}: each request's directory is now removed once it has ended`});
	}

	for (const target of (service.mounts ?? []).filter(each => !(was?.mounts ?? []).includes(each))) {
		changes.push({sign: '+', text: `${target} left mounted on the host by a request (mounted outside its own mount namespace)`});
	}

	const [left, leaves] = [old.requestsLeft ?? 0, is.requestsLeft ?? 0];
	if (leaves > left) {
		changes.push({sign: '+', text: `${directories(leaves - left)} left beside it by requests (${leaves} in all)`});
	} else if (leaves < left) {
		changes.push({sign: '-', text: `${directories(left - leaves)} of earlier requests removed (${leaves} left)`});
	}

	return changes;
}
