import {existsSync} from 'node:fs';
import {dockerEngineAnswers} from '../host/tools/docker.ts';
import {which} from '../host/tools/tools.ts';
import type {Route} from '../lesson/types.ts';

/** Why each route can or cannot be used on this host, in words for `doctor`. */
export type RouteFinding = {route: Route; usable: boolean; why: string};

/** Where the offline route's static busybox comes from (Debian's busybox-static). */
const busyboxPath = '/bin/busybox';

/**
 * Looks at each way of getting a filesystem, in the order rootcamp prefers them. The image route
 * comes last and only ever with `--image`: rootcamp never picks a learner's image on its own.
 */
export const findRoutes = async (image?: string): Promise<RouteFinding[]> => [
	(await dockerEngineAnswers())
		? {route: 'docker', usable: true, why: 'a Docker engine answers: the write-up\'s own docker run … tar'}
		: {route: 'docker', usable: false, why: 'no Docker engine answers (the docker client alone is not enough)'},
	which('debootstrap')
		? {route: 'debootstrap', usable: true, why: 'debootstrap is installed: a minimal Debian-family rootfs from your own apt mirror'}
		: {route: 'debootstrap', usable: false, why: 'debootstrap is not installed (apt-get install debootstrap)'},
	existsSync(busyboxPath)
		? {route: 'busybox', usable: true, why: 'busybox is installed: a tiny offline rootfs (no apt inside)'}
		: {route: 'busybox', usable: false, why: 'no static busybox (apt-get install busybox-static)'},
	image ? await imageFinding(image) : {route: 'image', usable: false, why: 'only with --image PATH (a docker save archive or an OCI image layout)'},
];

/** The image route is usable when its manifests read and check out (the layers are checked as they are applied). */
const imageFinding = async (image: string): Promise<RouteFinding> => {
	// Loaded only here: verify, which reads the route too, never pays for the image reader.
	const {openImage} = await import('../image/image.ts');
	try {
		const opened = openImage(image);
		return {route: 'image', usable: true, why: `--image ${image}: ${opened.format === 'oci' ? 'an OCI image layout' : 'a docker save archive'} of ${opened.layers.length} layers, applied by rootcamp image unpack`};
	} catch (error) {
		return {route: 'image', usable: false, why: `--image ${image}: ${(error as Error).message}`};
	}
};

/** The route to use: the one asked for, else the first usable one; undefined when none is. */
export const chooseRoute = async (asked?: Route): Promise<Route | undefined> => {
	if (asked) {
		return asked;
	}

	return (await findRoutes()).find(finding => finding.usable)?.route;
};

/**
 * The number of layers of the image route's image, which the layers lesson keeps apart (`{{top}}`,
 * `{{lowers}}`): its manifests only are read. Undefined when there is no image or it cannot be
 * read; doctor says why.
 */
export const countImageLayers = async (image: string | undefined): Promise<number | undefined> => {
	if (image === undefined) {
		return undefined;
	}

	// Loaded only on this route, as above.
	const {openImage} = await import('../image/image.ts');
	try {
		return openImage(image).layers.length;
	} catch {
		return undefined;
	}
};
