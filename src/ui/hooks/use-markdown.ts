import {useEffect, useState} from 'react';
import {isMarkdownLoaded, loadMarkdown} from '../view/markdown.ts';

/** False until marked-terminal has loaded; it starts loading only after the first frame is out. */
export function useMarkdownReady(): boolean {
	const [ready, setReady] = useState(isMarkdownLoaded);
	useEffect(() => {
		if (ready) {
			return;
		}

		let live = true;
		// Effects run after the first render; one more turn lets Ink write that frame first.
		const timer = setImmediate(() => {
			void loadMarkdown().then(loaded => {
				if (live && loaded) {
					setReady(true);
				}
			});
		});
		return () => {
			live = false;
			clearImmediate(timer);
		};
	}, [ready]);
	return ready;
}
