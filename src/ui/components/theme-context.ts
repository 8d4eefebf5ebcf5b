import {createContext, useContext} from 'react';
import {createTheme, type Theme} from '../view/theme.ts';

/** Carries the theme to every component, so none picks a colour of its own. */
export const ThemeContext = createContext<Theme>(createTheme(false));

/** The current theme. */
export function useTheme(): Theme {
	return useContext(ThemeContext);
}
