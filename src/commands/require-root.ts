import {HostError} from '../errors.ts';

/** Privileged commands need root: say so, with the command to type, instead of failing half-way. */
export const requireRoot = (command: string) => {
	if (process.platform !== 'linux') {
		throw new HostError(`rootcamp needs Linux: namespaces and chroot are Linux features (this is ${process.platform})`);
	}

	if (process.getuid?.() !== 0) {
		const typed = command ? `rootcamp ${command}` : 'rootcamp';
		throw new HostError(`${typed} needs root: it makes namespaces, mounts and network links, and reads other processes' namespaces. Run: sudo ${typed}`);
	}
};
