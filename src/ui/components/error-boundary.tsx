import {Component, type ReactNode} from 'react';
import {Box, Text, useApp, useInput} from 'ink';
import {errorMessage} from '../view/errors.ts';
import {useTheme} from './theme-context.ts';

function Crashed({message}: {message: string}) {
	const theme = useTheme();
	const {exit} = useApp();
	useInput((input, key) => {
		if (input === 'q' || (key.ctrl && input === 'c')) {
			exit();
		}
	});
	return (
		<Box flexDirection='column'>
			<Text {...theme.text.error}>✗ {message}</Text>
			<Text>Your progress is kept. Press <Text {...theme.text.key}>q</Text> to quit, then run rootcamp again.</Text>
		</Box>
	);
}

/** Turns an error thrown while drawing into a red line, where Ink would print a stack trace. */
export class ErrorBoundary extends Component<{children: ReactNode}, {message?: string}> {
	override state: {message?: string} = {};

	static getDerivedStateFromError(error: unknown) {
		return {message: errorMessage(error)};
	}

	// eslint-disable-next-line @typescript-eslint/promise-function-async -- React 19 types children as possibly a promise; render itself is synchronous, as React requires
	override render() {
		return this.state.message === undefined ? this.props.children : <Crashed message={this.state.message}/>;
	}
}
