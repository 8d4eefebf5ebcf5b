import {Box} from 'ink';
import type {Line} from '../view/lines.ts';
import type {RunProgress} from '../state/state.ts';
import {LineList} from './line-list.tsx';
import {ProgressBar} from './progress-bar.tsx';

/** The run's status, its progress and the tail of its output, streaming under a spinner. */
export function OutputPane({status, progress, output, width}: {status: Line[]; progress?: RunProgress; output: Line[]; width: number}) {
	if (status.length === 0) {
		return null;
	}

	return (
		<Box flexDirection='column' flexShrink={0}>
			<LineList lines={status}/>
			{progress ? <ProgressBar progress={progress} width={width}/> : null}
			<LineList lines={output}/>
		</Box>
	);
}
