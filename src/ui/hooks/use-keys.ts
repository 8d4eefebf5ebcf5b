import {useCallback, useRef, type Dispatch} from 'react';
import {useInput, type Key} from 'ink';
import {keyToAction, type ScrollView} from '../state/keymap.ts';
import {reducer, type Action, type AppState} from '../state/state.ts';

/** Maps key presses to reducer actions, and does nothing else. */
export function useKeys(state: AppState, dispatch: Dispatch<Action>, view: ScrollView, isActive = true): void {
	// Ink writes a frame before React re-subscribes the handler; reading the latest render's state
	// through a ref means a key typed right after a frame appears acts on what that frame shows.
	const latest = useRef({state, view});
	latest.current = {state, view};
	const handle = useCallback((input: string, key: Key) => {
		// Keys typed ahead (or a held `j`) reach Ink as one chunk, like a paste: take them one by
		// one, each seeing the state the keys before it lead to (the reducer is pure).
		const keys = input.length > 1 && !key.ctrl && !key.meta ? [...input] : [input];
		let current = latest.current.state;
		for (const each of keys) {
			const action = keyToAction(current, each, key, latest.current.view, Date.now());
			if (action) {
				dispatch(action);
				current = reducer(current, action);
			}
		}
	}, [dispatch]);
	useInput(handle, {isActive});
}
