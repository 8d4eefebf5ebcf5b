import {Box} from 'ink';
import type {Line} from './lines.ts';
import {LineList} from './line-list.tsx';

/** The keys that work right now. */
export function Footer({lines}: {lines: Line[]}) {
	if (lines.length === 0) {
		return null;
	}

	return (
		<Box flexDirection='column' flexShrink={0}>
			<LineList lines={lines}/>
		</Box>
	);
}
