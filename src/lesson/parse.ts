import {parseCheckLine} from './check-line.ts';
import {sideShells, type CgroupSelector, type SideShell, type CommandBlock, type Lesson, type LessonError, type Requirement, type Route, type Step} from './types.ts';

const stepHeading = /^##\s+(.*?)\s*(?:{#([^}]*)})?\s*$/;
const fenceOpen = /^(`{3,}|~{3,})\s*(.*)$/;
const idPattern = /^[a-z][a-z\d]*(?:-[a-z\d]+)*$/;
const routes: readonly Route[] = ['docker', 'debootstrap', 'busybox', 'image'];
const cgroupSelectors: readonly CgroupSelector[] = ['v1', 'v2'];
const requirements: readonly Requirement[] = ['apt', 'runc', 'mknod', 'cgroups'];

type Parsed = {lesson?: Lesson; errors: LessonError[]};

/** Reads the `---` front matter: simple `key: value` lines. */
const parseFrontMatter = (lines: string[]): {fields: Record<string, {value: string; line: number}>; end: number} | undefined => {
	if (lines[0]?.trim() !== '---') {
		return undefined;
	}

	const fields: Record<string, {value: string; line: number}> = {};
	for (let index = 1; index < lines.length; index++) {
		const text = lines[index]!;
		if (text.trim() === '---') {
			return {fields, end: index + 1};
		}

		const match = /^([\w-]+)\s*:\s*(.*)$/.exec(text);
		if (match) {
			fields[match[1]!] = {value: match[2]!.trim().replace(/^"(.*)"$/, '$1'), line: index + 1};
		}
	}

	return undefined;
};

type StepDraft = Step & {proseLines: string[]; hintLines: string[]};

/**
 * Parses one lesson file. Never throws: every problem becomes a `file:line` error, and a lesson
 * is returned whenever its front matter could be read, so lint can report everything at once.
 */
export const parseLesson = (text: string, file: string, order = 0): Parsed => {
	const errors: LessonError[] = [];
	const error = (line: number, message: string) => errors.push({file, line, message});
	const lines = text.replaceAll('\r\n', '\n').split('\n');
	const front = parseFrontMatter(lines);
	if (!front) {
		error(1, 'missing front matter: the file must start with a --- block holding id and title');
		return {errors};
	}

	const id = front.fields.id?.value ?? '';
	const title = front.fields.title?.value ?? '';
	if (!id) {
		error(1, 'front matter has no id');
	} else if (!idPattern.test(id)) {
		error(front.fields.id!.line, `lesson id "${id}" must be lowercase words joined by "-"`);
	}

	if (!title) {
		error(1, 'front matter has no title');
	}

	const intro: string[] = [];
	const steps: StepDraft[] = [];
	let step: StepDraft | undefined;
	for (let index = front.end; index < lines.length; index++) {
		const lineNumber = index + 1;
		const line = lines[index]!;
		const heading = stepHeading.exec(line);
		if (heading) {
			const stepId = heading[2]?.trim() ?? '';
			if (!stepId) {
				error(lineNumber, `step "${heading[1]}" has no id: write the heading as "## ${heading[1]} {#some-id}"`);
			} else if (!idPattern.test(stepId)) {
				error(lineNumber, `step id "${stepId}" must be lowercase words joined by "-"`);
			} else if (steps.some(other => other.id === stepId)) {
				error(lineNumber, `duplicate step id "${stepId}" (first at line ${steps.find(other => other.id === stepId)!.line})`);
			}

			step = {id: stepId, title: heading[1]!, prose: '', commands: [], checks: [], requires: [], after: [], hint: '', line: lineNumber, proseLines: [], hintLines: []};
			steps.push(step);
			continue;
		}

		const fence = fenceOpen.exec(line);
		if (fence) {
			const close = lines.findIndex((other, at) => at > index && other.trim() === fence[1]);
			const end = close === -1 ? lines.length : close;
			if (close === -1) {
				error(lineNumber, 'code block is never closed');
			}

			const body = lines.slice(index + 1, end);
			const info = fence[2]!.trim().split(/\s+/).filter(Boolean);
			if (step && info[0] === 'sh' && (info[1] === 'host' || info[1] === 'container' || sideShells.includes(info[1] as SideShell))) {
				step.commands.push(parseCommandBlock(info, body.join('\n'), lineNumber, error));
			} else if (step && info[0] === 'check') {
				parseCheckBlock(step, body, lineNumber + 1, error);
			} else if (info[0] === 'sh' || info[0] === 'check') {
				error(lineNumber, step
					? `a "${fence[2]}" block must say where it runs: \`\`\`sh host or \`\`\`sh container`
					: `a "${info[0]}" block before the first step heading`);
			} else {
				(step ? step.proseLines : intro).push(...lines.slice(index, end + 1));
			}

			index = end;
			continue;
		}

		if (step && /^>\s*\*\*Hint:\*\*/.test(line)) {
			while (index < lines.length && lines[index]!.startsWith('>')) {
				step.hintLines.push(lines[index]!.replace(/^>\s?/, ''));
				index++;
			}

			index--;
			continue;
		}

		(step ? step.proseLines : intro).push(line);
	}

	for (const draft of steps) {
		if (draft.commands.length === 0) {
			error(draft.line, `step "${draft.id}" has no command: add a \`\`\`sh host or \`\`\`sh container block`);
		}

		const decisive = draft.checks.filter(check => !check.advice);
		if (decisive.length === 0 && !draft.unobservable) {
			error(draft.line, draft.checks.length === 0
				? `step "${draft.id}" has no check: add a \`\`\`check block, or "unobservable: <why>" inside one`
				: `step "${draft.id}" has only advice: add a check of the step's own work, or "unobservable: <why>"`);
		}

		if (draft.unobservable && decisive.length > 0) {
			error(decisive[0]!.line, `step "${draft.id}" is unobservable, so its checks can only be advice: end the line with \`advice\``);
		}

		if (draft.hintLines.length === 0) {
			error(draft.line, `step "${draft.id}" has no hint: add a "> **Hint:** …" line`);
		}

		// A step with blocks for one kind of cgroup hierarchy would have no command on a host of the other kind.
		const selectors = new Set(draft.commands.flatMap(block => (block.cgroup ? [block.cgroup] : [])));
		if (selectors.size === 1) {
			const [only] = selectors;
			error(draft.line, `step "${draft.id}" has a cgroup=${only} block but no cgroup=${only === 'v1' ? 'v2' : 'v1'} block: give one per hierarchy`);
		}
	}

	if (steps.length === 0) {
		error(front.end, 'the lesson has no steps ("## Title {#id}" headings)');
	}

	const lesson: Lesson = {
		id,
		title,
		intro: trimBlank(intro),
		file,
		order,
		steps: steps.map(({proseLines, hintLines, ...rest}) => ({
			...rest,
			prose: trimBlank(proseLines),
			hint: hintLines.join('\n').replace(/^\*\*Hint:\*\*\s*/, '').trim(),
		})),
	};
	return {lesson, errors};
};

const parseCommandBlock = (info: string[], text: string, line: number, error: (line: number, message: string) => void): CommandBlock => {
	const block: CommandBlock = {where: info[1] as CommandBlock['where'], text: text.trimEnd(), startsContainer: false, inShell: false, line};
	for (const word of info.slice(2)) {
		if (word === 'starts-container') {
			block.startsContainer = true;
		} else if (word === 'in-shell' && block.where === 'container') {
			block.inShell = true;
		} else if (word.startsWith('route=') && word.slice(6).split(',').every(route => routes.includes(route as Route))) {
			block.routes = word.slice(6).split(',') as Route[];
		} else if (word.startsWith('cgroup=') && cgroupSelectors.includes(word.slice(7) as CgroupSelector)) {
			block.cgroup = word.slice(7) as CgroupSelector;
		} else if (word.startsWith('starts=') && block.where === 'host' && sideShells.includes(word.slice(7) as SideShell)) {
			block.starts = word.slice(7) as SideShell;
		} else {
			error(line, `unknown word "${word}" on a command block (known: starts-container, in-shell for container blocks, route=${routes.join('|')} (or several, joined by commas), cgroup=${cgroupSelectors.join('|')}, starts=${sideShells.join('|')} for host blocks)`);
		}
	}

	if (!block.text.trim()) {
		error(line, 'empty command block');
	}

	return block;
};

const parseCheckBlock = (step: StepDraft, body: string[], firstLine: number, error: (line: number, message: string) => void) => {
	for (const [offset, raw] of body.entries()) {
		const line = firstLine + offset;
		const text = raw.trim();
		if (!text || text.startsWith('#')) {
			continue;
		}

		const directive = /^(unobservable|requires|after)\s*:\s*(.*)$/.exec(text);
		if (directive?.[1] === 'after') {
			for (const ref of directive[2]!.split(/[\s,]+/).filter(Boolean)) {
				const [lesson, stepId, extra] = ref.split('/');
				if (lesson && stepId && extra === undefined) {
					step.after.push({lesson, step: stepId, line});
				} else {
					error(line, `"after:" names steps as LESSON/STEP (got "${ref}")`);
				}
			}

			continue;
		}

		if (directive?.[1] === 'unobservable') {
			if (!directive[2]) {
				error(line, '"unobservable:" needs the reason nothing can observe the step');
			}

			step.unobservable = directive[2];
			continue;
		}

		if (directive?.[1] === 'requires') {
			for (const need of directive[2]!.split(/[\s,]+/).filter(Boolean)) {
				if (requirements.includes(need as Requirement)) {
					step.requires.push(need as Requirement);
				} else {
					error(line, `unknown requirement "${need}" (known: ${requirements.join(', ')})`);
				}
			}

			continue;
		}

		const check = parseCheckLine(text, line);
		if ('error' in check) {
			error(line, check.error);
		} else {
			step.checks.push(check);
		}
	}
};

const trimBlank = (lines: string[]): string => lines.join('\n').replace(/^\s*\n/, '').trim();
