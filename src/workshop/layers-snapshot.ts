import type {OverlayLayers} from '../host/proc/overlay.ts';
import type {TreeEntry} from '../host/rootfs/tree.ts';
import type {ContainerInfo} from '../host/types.ts';

/**
 * The layers lesson's part of a snapshot (facts/layers.ts reads it): its overlays on the host, its
 * shell, what each upper directory holds, and each lower layer's stamp. Beside api.ts, not in the
 * fact, so the Snapshot type names it without an import circle.
 */
export type LayersSnapshot = {
	dir: string;
	exists: boolean;
	/** The numbered layer directories in it (`1`, `2`, …), lowest first: one per layer, as overlay2 keeps them. */
	layerDirs: string[];
	shell: ContainerInfo | null;
	overlays: Array<{target: string} & OverlayLayers>;
	uppers: Record<string, TreeEntry[]>;
	/** Each lower layer's stamp over the paths the lessons watch in it (its top directory, when none). */
	lowers: Record<string, string>;
};
