import type {SetupState} from '../../workshop/api.ts';
import {diagramLines} from '../view/diagram-lines.ts';
import {LineList} from './line-list.tsx';

/** The live diagram of the setup: host and container, their namespaces, veth ends and mounts. */
export function Diagram({setup, width}: {setup: SetupState | undefined; width: number}) {
	return <LineList lines={diagramLines(setup, width)}/>;
}
