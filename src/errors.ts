/** Bad usage or bad input: exit code 2. */
export class UsageError extends Error {
	readonly exitCode = 2;
	override name = 'UsageError';
}

/** This host cannot do it (not Linux, not root for a privileged action, a tool missing): exit code 3. */
export class HostError extends Error {
	readonly exitCode = 3;
	override name = 'HostError';
}
