import type {SetupState} from '../../workshop/api.ts';
import {diagramLines} from '../view/diagram-lines.ts';
import {LineList} from './line-list.tsx';

/** The live diagram of the setup: host (or the sandbox, inside one) and container, their namespaces, veth ends and mounts. */
export function Diagram({setup, width, sandbox}: {setup: SetupState | undefined; width: number; sandbox?: string}) {
	return <LineList lines={diagramLines(setup, width, sandbox)}/>;
}
