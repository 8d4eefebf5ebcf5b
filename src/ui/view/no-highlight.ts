/**
 * Stands in for cli-highlight inside marked-terminal (aliased at build time). Lesson prose
 * carries no fenced code — commands are drawn by the app itself — so the highlighter, and the
 * whole of highlight.js behind it (megabytes of language grammars), would only cost start-up
 * time and memory.
 */
export const highlight = (code: string): string => code;
