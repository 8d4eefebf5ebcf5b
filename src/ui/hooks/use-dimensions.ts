import {useEffect, useState} from 'react';
import {useStdout} from 'ink';

/** The terminal's size, updated on every resize so the layout is redrawn to fit. */
export function useDimensions(): {columns: number; rows: number} {
	const {stdout} = useStdout();
	// Without a TTY (tests, pipes) there is no size: lay out for the classic 80×24.
	const read = () => ({columns: stdout.columns || 80, rows: stdout.rows || 24});
	const [size, setSize] = useState(read);
	useEffect(() => {
		const onResize = () => {
			setSize(read());
		};

		stdout.on('resize', onResize);
		return () => {
			stdout.off('resize', onResize);
		};
	// eslint-disable-next-line react-hooks/exhaustive-deps
	}, [stdout]);
	return size;
}
