import {HostError} from '../errors.ts';

/** Privileged commands need root: say so, with the command to type, instead of failing half-way. */
export const requireRoot = (command: string) => {
	if (process.platform !== 'linux') {
		throw new HostError(`rootcamp needs Linux: namespaces and chroot are Linux features (this is ${process.platform})`);
	}

	if (process.getuid?.() !== 0) {
		throw new HostError(`${command} needs root: it makes namespaces, mounts and network links, and reads other processes' namespaces. Run: sudo rootcamp ${command}`);
	}
};
