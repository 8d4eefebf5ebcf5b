/**
 * A step of long work that can be counted: packages set up by apt or debootstrap, files
 * written by tar -v. `item` is what is being worked on now (`Unpacking bash`).
 */
export type ProgressEvent = {type: 'progress'; done: number; total?: number; unit: 'packages' | 'files'; item?: string};

/**
 * debootstrap's per-package lines. It first retrieves and validates every package (no total
 * is printed: the count grows), then extracts, unpacks and configures them, each phase over
 * the packages it validated: that count is the total of each later phase. Phase headers
 * ("Unpacking required packages...", "Unpacking the base system...") are not packages.
 */
const debootstrapLine = /^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) (\S+?)(?:\.{3}|\s|$)/;
const debootstrapHeaders = new Set(['InRelease', 'Release', 'Packages', 'required', 'the', 'base']);

/**
 * Wraps an output handler so that it also reports progress it can read from the output itself:
 * apt announces how many packages it will install and says "Setting up" for each, debootstrap
 * names each package in each phase, and tar -v prints one line per file (`files`: how many the
 * archive holds, when the caller knows). Where no total is known the UI shows a spinner with the count.
 */
export const outputProgress = (onOutput: (chunk: string) => void, onProgress: (event: ProgressEvent) => void, {files: filesTotal}: {files?: number} = {}) => {
	let partial = '';
	let packagesTotal: number | undefined;
	let packagesDone = 0;
	let files = 0;
	let lastReport = 0;
	const validated = new Set<string>();
	// Per phase, the packages it has reached: the required ones and later the base system's add
	// up, and a package configured twice (libc-bin) counts once.
	const phases = new Map<string, Set<string>>();
	const debootstrap = (verb: string, name: string) => {
		if (verb === 'Retrieving' || verb === 'Validating') {
			validated.add(name);
			onProgress({type: 'progress', done: validated.size, unit: 'packages', item: `${verb} ${name}`});
			return;
		}

		const reached = phases.get(verb) ?? new Set<string>();
		phases.set(verb, reached.add(name));
		onProgress({type: 'progress', done: reached.size, total: Math.max(validated.size, reached.size), unit: 'packages', item: `${verb} ${name}`});
	};

	return (chunk: string) => {
		onOutput(chunk);
		const lines = (partial + chunk).split('\n');
		partial = lines.pop() ?? '';
		for (const line of lines) {
			const plan = /^(\d+) upgraded, (\d+) newly installed/.exec(line);
			const fromDebootstrap = debootstrapLine.exec(line);
			if (fromDebootstrap) {
				if (!debootstrapHeaders.has(fromDebootstrap[2]!)) {
					debootstrap(fromDebootstrap[1]!, fromDebootstrap[2]!);
				}
			} else if (plan) {
				packagesTotal = Number(plan[1]) + Number(plan[2]);
				onProgress({type: 'progress', done: 0, total: packagesTotal, unit: 'packages'});
			} else if (line.startsWith('Setting up ')) {
				packagesDone++;
				onProgress({type: 'progress', done: packagesDone, total: packagesTotal, unit: 'packages', item: line.slice(0, -3).replace(/ \(.*$/, '')});
			} else if (/^(?:\.\/)?[\w.+-]+(?:\/\S*)?$/.test(line)) {
				files++;
				// tar -v prints thousands of lines a second: a report every 200 files is plenty for a bar.
				if (files - lastReport >= 200) {
					lastReport = files;
					onProgress({type: 'progress', done: files, ...(filesTotal ? {total: Math.max(filesTotal, files)} : {}), unit: 'files', item: line});
				}
			}
		}
	};
};

/**
 * The archive a script unpacks verbosely (`tar -xvf PATH`, `tar xvf PATH`), when it names one by
 * an absolute path: its member count is then the total of the bar.
 */
export const verboseExtractionOf = (script: string): string | undefined => {
	const match = /^\s*tar\s+-?([A-Za-z]*)f\s+(\/\S+)/m.exec(script);
	return match && match[1]!.includes('x') && match[1]!.includes('v') ? match[2] : undefined;
};
