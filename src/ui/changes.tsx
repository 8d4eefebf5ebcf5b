import {Box} from 'ink';
import type {Line} from './lines.ts';
import {LineList} from './line-list.tsx';

/** What changed on the host after the step passed, one signed row per change. */
export function Changes({lines}: {lines: Line[]}) {
	if (lines.length === 0) {
		return null;
	}

	return (
		<Box flexDirection='column' flexShrink={0}>
			<LineList lines={lines}/>
		</Box>
	);
}
