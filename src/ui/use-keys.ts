import type {Dispatch} from 'react';
import {useInput} from 'ink';
import {keyToAction, type ScrollView} from './keymap.ts';
import type {Action, AppState} from './state.ts';

/** Maps key presses to reducer actions, and does nothing else. */
export function useKeys(state: AppState, dispatch: Dispatch<Action>, view: ScrollView, isActive = true): void {
	useInput((input, key) => {
		const action = keyToAction(state, input, key, view, Date.now());
		if (action) {
			dispatch(action);
		}
	}, {isActive});
}
