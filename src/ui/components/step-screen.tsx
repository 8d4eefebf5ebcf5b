import {Box} from 'ink';
import type {SetupState} from '../../workshop/api.ts';
import type {StepView} from '../view/step-view.ts';
import {Diagram} from './diagram.tsx';
import {LineList} from './line-list.tsx';
import {OutputPane} from './output-pane.tsx';
import {Section} from './section.tsx';

/** One step: prose, the command, checks, hint, the run, what changed, and the keys. */
export function StepScreen({view, setup}: {view: StepView; setup: SetupState | undefined}) {
	const main = (
		<Box flexDirection='column' width={view.mainWidth} flexShrink={0}>
			<Box flexDirection='column' flexShrink={0}>
				<LineList lines={view.prose}/>
			</Box>
			<LineList lines={[view.scrollBar]}/>
			<Section lines={view.commands}/>
			<LineList lines={[[]]}/>
			<Section lines={view.checks}/>
			<LineList lines={view.hint}/>
			<OutputPane status={view.run.status} progress={view.run.progress} output={view.run.output} width={view.mainWidth}/>
			<Section lines={view.changes}/>
			<LineList lines={view.messages}/>
		</Box>
	);
	return (
		<Box flexDirection='column' flexGrow={1}>
			<LineList lines={view.header}/>
			<Box flexDirection='row' flexGrow={1} overflow='hidden'>
				{main}
				{view.side
					? (
						<Box flexDirection='column' marginLeft={2} width={view.side.width} flexShrink={0}>
							<Diagram setup={setup} width={view.side.width} sandbox={view.side.sandbox}/>
						</Box>
					)
					: null}
			</Box>
			<Section lines={view.footer}/>
		</Box>
	);
}
