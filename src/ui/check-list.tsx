import {Box} from 'ink';
import type {Line} from './lines.ts';
import {LineList} from './line-list.tsx';

/** Each check's state; a failing one shows expected and actual. */
export function CheckList({lines}: {lines: Line[]}) {
	if (lines.length === 0) {
		return null;
	}

	return (
		<Box flexDirection='column' flexShrink={0}>
			<LineList lines={lines}/>
		</Box>
	);
}
