import type {ContainerInfo} from '../../host/types.ts';
import {joinWords} from '../../check/format.ts';
import type {Change} from '../api.ts';
import {sameProcess, type Fact} from './fact.ts';

/** The container's shell: started, ended, or the same process with other namespaces (`exec unshare --uts`). */
export const containerFact: Fact = {
	name: 'container',
	read: async ({probes}) => ({container: await probes.container()}),
	changes: (before, after) => [...containerChanges(before.container, after.container), ...namespaceChanges(before.container, after.container)],
	async leftovers({probes}) {
		const container = await probes.container();
		return container ? [`a container shell rootcamp did not start still runs (pid ${container.pid}): type exit in its terminal, or kill -9 ${container.pid}`] : [];
	},
};

function containerChanges(before: ContainerInfo | null, after: ContainerInfo | null): Change[] {
	if (before === null && after === null) {
		return [];
	}

	if (sameProcess(before, after)) {
		return [];
	}

	const changes: Change[] = [];
	if (before !== null) {
		changes.push({sign: '-', text: `container (pid ${before.pid}) ended`});
	}

	if (after !== null) {
		const own = after.own.length === 0 ? 'no namespaces of its own' : `its own ${after.own.join(', ')} namespaces`;
		changes.push({sign: '+', text: `container started: pid ${after.pid} with ${own}`});
	}

	return changes;
}

/** The same shell gained (or lost) namespaces of its own: `exec unshare --uts` keeps the PID and changes the namespace. */
function namespaceChanges(before: ContainerInfo | null, after: ContainerInfo | null): Change[] {
	if (!sameProcess(before, after)) {
		return [];
	}

	const gained = after!.own.filter(kind => !before!.own.includes(kind));
	const lost = before!.own.filter(kind => !after!.own.includes(kind));
	return [
		...(gained.length > 0 ? [{sign: '~' as const, text: `the container's shell (pid ${after!.pid}, same process) now has its own ${joinWords(gained)} namespace${gained.length > 1 ? 's' : ''}`}] : []),
		...(lost.length > 0 ? [{sign: '~' as const, text: `the container's shell (pid ${after!.pid}) now shares the host's ${joinWords(lost)} namespace${lost.length > 1 ? 's' : ''}`}] : []),
	];
}
