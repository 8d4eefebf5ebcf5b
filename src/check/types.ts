export type Status = 'pass' | 'fail' | 'skip';

/** The verdict of one check: what it expected, what it found, and what to do. */
export type CheckResult = {
	status: Status;
	/** One sentence for the learner: on failure, what is wrong and what to do. */
	message: string;
	expected?: string;
	actual?: string;
	/** The check line as written (variables filled), so a report can show which check this was. */
	check: string;
	/** An `advice` check: shown with the step, never its verdict. */
	advice?: true;
	/** Facts side by side (the runtime lesson's you | runc), shown under the check. */
	table?: CheckTable;
};

/** A small table a check shows: a head row and rows of the same width. */
export type CheckTable = {head: string[]; rows: string[][]};
