/** The environment variable that tells the rootcamp inside a sandbox which one it is in: it only shows it. */
export const sandboxVariable = 'ROOTCAMP_SANDBOX';

/** What the app's header and verify say inside sandbox NAME; undefined outside one. */
export const sandboxNote = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
	const name = env[sandboxVariable];
	return name ? `sandbox ${name}; the host's network is untouched` : undefined;
};
