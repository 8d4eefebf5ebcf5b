/**
 * The steps rootcamp's own messages send a learner to ("start it first: rootcamp solve
 * enter/chroot"). They live here, not in the messages, so that lint can tell when a lesson
 * renames or drops one of them (see workshop/lint.ts).
 */
export const namedSteps = {
	/** Builds the tarball. */
	export: 'copy/export',
	/** Starts the container's shell. */
	container: 'enter/chroot',
	/** Starts it again, in a network namespace of its own. */
	containerWithNetwork: 'network-advanced/netns',
	/** Starts the jail (the pivot-root side shell). */
	jail: 'pivot-root/private',
	/** Starts the rootless side shell. */
	rootless: 'rootless/userns',
	/** Starts the layers lesson's shell on the overlay. */
	layered: 'layers/start',
	/** Writes the rootless shell's uid map. */
	rootlessMap: 'rootless/map',
} as const;

/** The step part of a named step (`copy/export` → `export`), for a message inside its own lesson's story. */
export const stepIdOf = (ref: string): string => ref.slice(ref.indexOf('/') + 1);
