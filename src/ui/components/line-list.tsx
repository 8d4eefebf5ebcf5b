import {Box, Text} from 'ink';
import Spinner from 'ink-spinner';
import type {Line} from '../view/lines.ts';
import {useTheme} from './theme-context.ts';

/** Rows built by the pure section builders, one terminal row each (never re-wrapped by Ink). */
export function LineList({lines}: {lines: Line[]}) {
	const theme = useTheme();
	return (
		<Box flexDirection='column'>
			{lines.map((row, index) => (
				// Rows have no identity beyond their place; the list is rebuilt whole each frame.
				// eslint-disable-next-line react/no-array-index-key
				<Text key={index} wrap='truncate-end'>
					{row.length === 0 ? ' ' : row.map((segment, part) => ('spinner' in segment
						// eslint-disable-next-line react/no-array-index-key
						? <Spinner key={part} type='dots'/>
						// eslint-disable-next-line react/no-array-index-key
						: <Text key={part} {...(segment.tone ? theme.text[segment.tone] : {})}>{segment.text}</Text>))}
				</Text>
			))}
		</Box>
	);
}
