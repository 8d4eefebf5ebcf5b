// The UI's public surface. `app.tsx` is imported on its own by the CLI (it pulls in Ink).
export {runApp, type AppOptions} from './app.tsx';
export {runPlain, type PlainOptions} from './plain.ts';
export {initialState, reducer, stepKey, type Action, type AppState, type RunState} from './state.ts';
export {keyToAction, footerKeys} from './keymap.ts';
export {loadMarkdown, renderMarkdown, isMarkdownLoaded, type MarkdownOptions} from './markdown.ts';
export {createTheme, noColorRequested, type Theme, type Tone} from './theme.ts';
export {WorkshopApp, type Outcome, type WorkshopAppProps} from './workshop-app.tsx';
