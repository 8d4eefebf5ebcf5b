/**
 * Stands in for node-emoji inside marked-terminal (aliased at build time). Lessons write no
 * `:shortcode:` emoji, so the emoji table would only cost memory; an unknown code is left as written.
 */
export const get = (_code: string): string | undefined => undefined;
