import {footerKeys} from '../state/keymap.ts';
import {stepStatus, type AppState} from '../state/state.ts';
import {fitLine} from './diagram-lines.ts';
import {line, toned, wrapWords, type Line, type Segment} from './lines.ts';
import {footerLines, statusMark} from './sections.ts';

/** What the lesson list shows. */
export type LessonView = {banner: Line[]; lines: Line[]; footer: Line[]};

/** How far each lesson has got: a mark per step and the count of passing steps. */
export function lessonProgress(state: Pick<AppState, 'outline' | 'reports' | 'passed'>, lesson: number): {marks: Segment[]; passed: number; total: number} {
	const item = state.outline[lesson];
	if (!item) {
		return {marks: [], passed: 0, total: 0};
	}

	let passed = 0;
	const marks = item.steps.map((step): Segment => {
		const status = stepStatus(state, `${item.id}/${step.id}`);
		if (status === 'pass') {
			passed++;
		}

		return status ? toned(statusMark[status].tone, statusMark[status].mark) : toned('muted', '·');
	});
	return {marks, passed, total: item.steps.length};
}

/** Lays out the lesson list for a terminal of `columns` × `rows`. Pure. */
export function buildLessonView(state: AppState, options: {banner?: string; sandbox?: string; columns: number; rows: number; checking: boolean}): LessonView {
	const {columns} = options;
	const usable = Math.max(8, options.rows - 1);
	const footer = footerLines(footerKeys(state, {scrolls: false, narrow: false}), columns);
	const titleWidth = Math.max(10, Math.min(48, columns - 24));
	const rows: Line[] = [];
	rows.push(line(toned('heading', 'Lessons'), options.checking ? toned('muted', '  checking the host…') : ''));
	if (options.sandbox) {
		rows.push(fitLine(line(toned('muted', options.sandbox)), columns));
	}

	const numberWidth = String(state.outline.length).length;
	for (const [index, lesson] of state.outline.entries()) {
		const selected = index === state.lesson;
		const name = `${String(index + 1).padStart(numberWidth)}. ${lesson.title}`;
		const {marks, passed, total} = lessonProgress(state, index);
		const done = total > 0 && passed === total;
		rows.push([
			...(selected ? [toned('selected', '› ')] : [{text: '  '}]),
			...fitLine([selected ? toned('selected', name) : {text: name}], titleWidth),
			{text: '  '},
			...marks,
			{text: ' '.repeat(Math.max(1, 8 - marks.length))},
			done ? toned('pass', `${passed}/${total} done`) : toned('muted', `${passed}/${total}`),
		]);
	}

	const selected = state.outline[state.lesson];
	const details: Line[] = [];
	if (selected) {
		details.push([]);
		for (const [index, step] of selected.steps.entries()) {
			const status = stepStatus(state, `${selected.id}/${step.id}`);
			const mark = status ? toned(statusMark[status].tone, statusMark[status].mark) : toned('muted', '·');
			const here = state.resume?.lesson === state.lesson && state.resume.step === index;
			details.push(fitLine(line('   ', mark, ' ', here ? toned('selected', step.title) : step.title, here && toned('muted', '  ← you are here')), columns));
		}

		const resume = state.resume?.lesson === state.lesson ? selected.steps[state.resume.step] : undefined;
		details.push([]);
		details.push(resume
			? line(toned('key', 'Enter'), ` resumes at ${selected.id}/${resume.id}: ${resume.title}`)
			: line(toned('key', 'Enter'), ` opens ${selected.title}`));
	}

	const messages: Line[] = [];
	if (state.error) {
		messages.push(...wrapWords(state.error.message, columns - 2).map((text, index) => line(toned('error', `${index === 0 ? '✗' : ' '} ${text}`))));
	}

	if (state.notice) {
		messages.push(line(toned('muted', state.notice)));
	}

	const banner = options.banner ? options.banner.replace(/\n+$/, '').split('\n').map(text => line(toned('title', text))) : [];
	const needed = rows.length + details.length + messages.length + footer.length;
	// The banner is decoration: it goes first when the terminal is short.
	const showBanner = banner.length > 0 && needed + banner.length + 1 <= usable && banner.every(row => (row[0] && 'text' in row[0] ? row[0].text.length : 0) <= columns);
	const room = usable - footer.length - messages.length - (showBanner ? banner.length + 1 : 0);
	const body = [...rows, ...details].slice(0, Math.max(1, room));
	return {banner: showBanner ? [...banner, []] : [], lines: [...body, ...messages], footer};
}
