import {UsageError} from '../errors.ts';

/** An image rootcamp will not apply (damaged, tampered, unsafe, of an unknown kind): bad input, exit 2. */
export class ImageError extends UsageError {
	override name = 'ImageError';
}
