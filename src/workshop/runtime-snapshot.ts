import type {Security} from '../host/proc/security.ts';
import type {RuncContainer} from '../host/tools/runc.ts';

/**
 * The runtime lesson's part of a snapshot: runc's containers, the OCI bundles the lessons name,
 * and what the learner's shell may do. Apart from the fact itself, so the Snapshot type can name
 * it without a circle through api.ts.
 */
export type RuntimeSnapshot = {
	runc: RuncContainer[];
	/** Watched directories that hold an OCI bundle (a config.json). */
	bundles: string[];
	/** The learner's container's shell: its privileges, the runc-masked paths masked in its table (path → what covers it), and /proc/sys. */
	shell: {pid: number; startTime: number; security: Security; masked: Record<string, string>; procSys: 'read-only' | 'writable' | 'none'} | null;
};
