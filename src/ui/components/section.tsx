import {Box} from 'ink';
import type {Line} from '../view/lines.ts';
import {LineList} from './line-list.tsx';

/**
 * One block of the step screen (the command, the checks, what changed, the keys): rows laid out
 * by the pure view code, drawn whole (never shrunk by the layout), and nothing at all when empty.
 */
export function Section({lines}: {lines: Line[]}) {
	if (lines.length === 0) {
		return null;
	}

	return (
		<Box flexDirection='column' flexShrink={0}>
			<LineList lines={lines}/>
		</Box>
	);
}
