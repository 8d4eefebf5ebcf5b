import {progressLine} from '../view/sections.ts';
import type {RunProgress} from '../state/state.ts';
import {LineList} from './line-list.tsx';

/** Long work's progress: a bar with amounts when the total is known, a spinner when not. */
export function ProgressBar({progress, width}: {progress: RunProgress; width: number}) {
	return <LineList lines={[progressLine(progress, width)]}/>;
}
