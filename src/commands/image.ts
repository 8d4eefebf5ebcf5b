import {UsageError} from '../errors.ts';
import type {Output} from './output.ts';

const usage = 'rootcamp image unpack IMAGE DIR   apply the layers of IMAGE (a docker-save archive or an OCI layout, PATH[:TAG]) into one tree\n'
	+ 'rootcamp image layers IMAGE DIR   write each layer into DIR/1, DIR/2, … as overlayfs reads them (whiteouts as 0:0 devices, opaque directories marked)';

/** `rootcamp image unpack|layers IMAGE DIR`: the command the copy lesson shows, for a learner to run by hand too. */
export const imageCommand = async (words: string[], output: Output): Promise<number> => {
	const [action, image, dir, ...extra] = words;
	if ((action !== 'unpack' && action !== 'layers') || !image || !dir || extra.length > 0) {
		throw new UsageError(`usage:\n${usage}`);
	}

	const {unpackImage} = await import('../image/unpack.ts');
	const unpacked = await unpackImage(image, dir, {
		mode: action === 'unpack' ? 'merge' : 'overlay',
		onLayer(position, total, what) {
			output.err(`applying ${what}`);
		},
	});
	output.out(action === 'unpack'
		? `unpacked ${unpacked.layers.length} layer${unpacked.layers.length === 1 ? '' : 's'} of ${unpacked.path} (${unpacked.format}) into ${dir}`
		: `wrote ${unpacked.layers.length} layer${unpacked.layers.length === 1 ? '' : 's'} of ${unpacked.path} (${unpacked.format}) into ${dir}/1 … ${dir}/${unpacked.layers.length}, lowest first`);
	return 0;
};
