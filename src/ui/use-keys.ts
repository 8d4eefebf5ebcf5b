import {useCallback, useRef, type Dispatch} from 'react';
import {useInput, type Key} from 'ink';
import {keyToAction, type ScrollView} from './keymap.ts';
import type {Action, AppState} from './state.ts';

/** Maps key presses to reducer actions, and does nothing else. */
export function useKeys(state: AppState, dispatch: Dispatch<Action>, view: ScrollView, isActive = true): void {
	// Ink writes a frame before React re-subscribes the handler; reading the latest render's state
	// through a ref means a key typed right after a frame appears acts on what that frame shows.
	const latest = useRef({state, view});
	latest.current = {state, view};
	const handle = useCallback((input: string, key: Key) => {
		const action = keyToAction(latest.current.state, input, key, latest.current.view, Date.now());
		if (action) {
			dispatch(action);
		}
	}, [dispatch]);
	useInput(handle, {isActive});
}
