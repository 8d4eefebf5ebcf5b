import type {Probes} from '../../host/probes.ts';
import type {Change, Snapshot} from '../api.ts';
import {sameProcess, type Fact} from './fact.ts';

/** The host's and the container's hostnames (UTS namespaces). */
export const hostnameFact: Fact = {
	name: 'hostname',
	read: async ({probes}) => ({hostnames: await readHostnames(probes)}),
	changes: hostnameChanges,
};

async function readHostnames(probes: Probes): Promise<NonNullable<Snapshot['hostnames']>> {
	const [host, container] = await Promise.all([probes.hostname('host').catch(() => undefined), probes.hostname('container').catch(() => undefined)]);
	return {...(host === undefined ? {} : {host}), ...(container === undefined ? {} : {container})};
}

function hostnameChanges(before: Snapshot, after: Snapshot): Change[] {
	const [was, is] = [before.hostnames, after.hostnames];
	if (was === undefined || is === undefined) {
		return [];
	}

	const changes: Change[] = [];
	const sharesUts = after.container !== null && !after.container.own.includes('uts');
	if (was.host !== undefined && is.host !== undefined && was.host !== is.host) {
		changes.push({sign: '~', text: `the host's hostname: ${was.host} → ${is.host}${sharesUts ? ' (the container shares the host\'s UTS namespace)' : ''}`});
	}

	if (sameProcess(before.container, after.container) && !sharesUts && was.container !== undefined && is.container !== undefined && was.container !== is.container) {
		const host = is.host === undefined || was.host !== is.host ? '' : ` (the host is still ${is.host})`;
		changes.push({sign: '~', text: `the container's hostname: ${was.container} → ${is.container}${host}`});
	}

	return changes;
}
