import {Box} from 'ink';
import type {LessonView} from '../view/lesson-view.ts';
import {LineList} from './line-list.tsx';

/** The lesson list: titles, each lesson's progress, and where Enter resumes. */
export function LessonList({view}: {view: LessonView}) {
	return (
		<Box flexDirection='column' flexGrow={1}>
			<LineList lines={view.banner}/>
			<Box flexDirection='column' flexGrow={1} overflow='hidden'>
				<LineList lines={view.lines}/>
			</Box>
			<LineList lines={view.footer}/>
		</Box>
	);
}
