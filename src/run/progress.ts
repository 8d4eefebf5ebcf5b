/** A step of long work that can be counted: packages set up by apt, files written by tar -v. */
export type ProgressEvent = {type: 'progress'; done: number; total?: number; unit: 'packages' | 'files'};

/**
 * Wraps an output handler so that it also reports progress it can read from the output itself:
 * apt announces how many packages it will install and says "Setting up" for each, and tar -v
 * prints one line per file. Where no total is known the UI shows a spinner with the count.
 */
export const outputProgress = (onOutput: (chunk: string) => void, onProgress: (event: ProgressEvent) => void) => {
	let partial = '';
	let packagesTotal: number | undefined;
	let packagesDone = 0;
	let files = 0;
	let lastReport = 0;
	return (chunk: string) => {
		onOutput(chunk);
		const lines = (partial + chunk).split('\n');
		partial = lines.pop() ?? '';
		for (const line of lines) {
			const plan = /^(\d+) upgraded, (\d+) newly installed/.exec(line);
			if (plan) {
				packagesTotal = Number(plan[1]) + Number(plan[2]);
				onProgress({type: 'progress', done: 0, total: packagesTotal, unit: 'packages'});
			} else if (line.startsWith('Setting up ')) {
				packagesDone++;
				onProgress({type: 'progress', done: packagesDone, total: packagesTotal, unit: 'packages'});
			} else if (/^(?:\.\/)?[\w.+-]+(?:\/[^\s]*)?$/.test(line)) {
				files++;
				// tar -v prints thousands of lines a second: a report every 200 files is plenty for a bar.
				if (files - lastReport >= 200) {
					lastReport = files;
					onProgress({type: 'progress', done: files, unit: 'files'});
				}
			}
		}
	};
};
