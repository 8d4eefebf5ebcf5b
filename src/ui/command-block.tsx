import {Box} from 'ink';
import type {Line} from './lines.ts';
import {LineList} from './line-list.tsx';

/** The step's command(s), each labelled with where it runs; the rows themselves are copyable as is. */
export function CommandBlock({lines}: {lines: Line[]}) {
	if (lines.length === 0) {
		return null;
	}

	return (
		<Box flexDirection='column' flexShrink={0}>
			<LineList lines={lines}/>
		</Box>
	);
}
