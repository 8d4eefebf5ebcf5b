import type {BuildOptions} from 'esbuild';

/** See build-options.js. */
export declare const bundleOptions: BuildOptions;
