import {listRuncContainers, readRuncContainer} from '../host/tools/runc.ts';
import {runProcess} from '../run/process.ts';

/**
 * Deletes a runc container as the learner would, `runc delete --force ID`: runc kills its init,
 * removes its state and the control groups it made. Undefined once runc has no such container;
 * otherwise why not.
 */
export async function removeRuncContainer(id: string): Promise<string | undefined> {
	if (readRuncContainer(id) === null) {
		return undefined;
	}

	const result = await runProcess(['runc', 'delete', '--force', id]);
	if (readRuncContainer(id) === null) {
		return undefined;
	}

	return result.output.trim() || `runc delete --force ${id} exited with ${result.exitCode}`;
}

/** runc containers whose root is in `tree`: deleting the tree under them would pull their root away. */
export function runcContainersIn(tree: string): string[] {
	const under = (path: string) => path === tree || path.startsWith(`${tree.replace(/\/$/, '')}/`);
	return listRuncContainers().filter(container => under(container.rootfs)).map(container => container.id);
}
