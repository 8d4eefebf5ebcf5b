import {posix} from 'node:path';
import type {CheckSpec} from '../../lesson/types.ts';
import {type Probes, splitRoot} from '../../host/probes.ts';
import {isLoopback, parseNameservers} from '../../host/net/resolver.ts';
import type {FileFact} from '../../host/types.ts';
import type {CheckResult} from '../types.ts';
import {summarizeText} from '../format.ts';
import {checkExclusive, checkOptions, checkPath, checkRegex, firstProblem, flag} from '../options.ts';
import {fail, pass} from '../result.ts';
import {describeActual, describeExpected, isDevice, isType, mknod, normalizeMode, summarizeNames, typeName, typeProblem, wantedName, where, type FileData} from './file-words.ts';

export type {FileData} from './file-words.ts';

const types = ['file', 'dir', 'symlink', 'char', 'block'] as const;

/** The path it names is watched by "what changed". */
export const watches = (check: CheckSpec) => ({paths: check.args[0] ? [check.args[0]] : []});

/** The problem with a `file PATH [type=] [mode=] [dev=MAJOR:MINOR] [match=] [not-match=] [no-block] [absent]` line, if any. */
export function validate(check: CheckSpec): string | undefined {
	const {type} = check.options;
	const {mode} = check.options;
	return firstProblem(
		check.args.length > 1 ? `\`file\` takes one path, got ${check.args.length} (quote a path with spaces)` : undefined,
		checkPath(check.args[0]),
		checkOptions(check, {values: ['type', 'mode', 'dev', 'match', 'not-match'], flags: ['absent', 'no-block']}),
		type !== undefined && !(types as readonly string[]).includes(type) ? `\`type=${type}\` must be one of ${types.join(', ')}` : undefined,
		check.options.dev !== undefined && !/^\d+:\d+$/.test(check.options.dev) ? `\`dev=${check.options.dev}\` must be MAJOR:MINOR, such as 1:3` : undefined,
		check.options.dev !== undefined && type !== 'char' && type !== 'block' ? '`dev=` needs type=char or type=block' : undefined,
		flag(check, 'no-block') && type !== undefined && type !== 'dir' ? '`no-block` is for a directory (type=dir)' : undefined,
		mode !== undefined && !/^[0-7]{3,4}$/.test(mode) ? `\`mode=${mode}\` must be 3 or 4 octal digits, such as 1777` : undefined,
		checkRegex(check, 'match'),
		checkRegex(check, 'not-match'),
		...['type', 'mode', 'dev', 'match', 'not-match', 'no-block'].map(name => checkExclusive(check, ['absent', name])),
	);
}

/** Reads the path, its symlink target within the rootfs, and its text when lines are to be matched. */
export async function probe(check: CheckSpec, probes: Probes): Promise<FileData> {
	const path = check.args[0]!;
	const [root, inside] = splitRoot(probes.rootfs, path, probes.proc);
	const own = await probes.resolve(path, {follow: false});
	const data: FileData = {path, inside, fact: own.fact, ...(root === '/' ? {} : {rootfs: root})};
	let end = own;
	if (own.fact?.type === 'symlink') {
		end = await probes.resolve(path, {follow: true});
		data.target = {inside: end.inside, fact: end.fact, ...(end.loop ? {loop: true} : {})};
	}

	const matching = check.options.match !== undefined || check.options['not-match'] !== undefined;
	if (matching && end.fact?.type === 'file') {
		data.text = await probes.text(end.path);
	}

	if (flag(check, 'no-block') && end.fact?.type === 'dir') {
		data.entries = await probes.entries(end.path);
	}

	if (posix.basename(path) === 'resolv.conf') {
		const resolver = await probes.resolver().catch(() => undefined);
		if (resolver !== undefined) {
			data.resolver = resolver;
		}
	}

	return data;
}

/** Passes when the path is as the check describes (or, with `absent`, is not there). */
export function judge(check: CheckSpec, data: FileData): CheckResult {
	const {path, fact} = data;
	const wantedType = check.options.type;
	const wantedMode = normalizeMode(check.options.mode);
	const expected = describeExpected(check);
	const actual = describeActual(data);
	const details = {expected, actual};
	if (flag(check, 'absent')) {
		return fact === null
			? pass(check, `${path} does not exist`, details)
			: fail(check, `${path} still exists (${actual}): remove it ${where(data)}: rm -r ${data.inside}`, details);
	}

	if (fact === null) {
		const create = wantedType === 'dir' ? `: create it ${where(data)}: mkdir -p ${data.inside}` : (isDevice(wantedType) ? `: create it ${where(data)}: ${mknod(check, data)}` : '');
		return fail(check, `${path} does not exist${create}`, details);
	}

	if (wantedType === 'symlink' || (wantedType === undefined && fact.type === 'symlink' && !needsTarget(check))) {
		return fact.type === 'symlink'
			? pass(check, `${path} is a symlink to ${fact.target}`, details)
			: fail(check, `${path} is a ${typeName(fact)}, not a symlink`, details);
	}

	if (wantedType !== undefined && fact.type === 'symlink') {
		return fail(check, `${symlinkProblem(data)}: replace it with a real ${wantedName(wantedType)}${replaceHint(data)}`, details);
	}

	const effective = fact.type === 'symlink' ? data.target?.fact ?? null : fact;
	if (effective === null) {
		return fail(check, `${symlinkProblem(data)}: point it at something inside the rootfs, or replace it with a real file${replaceHint(data)}`, details);
	}

	if (wantedType !== undefined && !isType(effective, wantedType)) {
		return fail(check, typeProblem(check, data, effective), details);
	}

	const wantedDevice = check.options.dev;
	if (wantedDevice !== undefined && effective.rdev !== wantedDevice) {
		return fail(check, `${path} is ${typeName(effective)} ${effective.rdev}, expected ${wantedDevice}: the numbers name the driver, not the file name; ${where(data)} run rm ${data.inside}; ${mknod(check, data)}`, details);
	}

	if (wantedMode !== undefined && effective.mode !== wantedMode) {
		return fail(check, modeProblem(data, effective.mode, wantedMode), details);
	}

	const lineProblem = matchProblem(check, data);
	if (lineProblem !== undefined) {
		return fail(check, lineProblem, details);
	}

	const blocks = (data.entries ?? []).filter(entry => entry.fact.special === 'block').map(entry => entry.name);
	if (flag(check, 'no-block') && blocks.length > 0) {
		// A block device node is a door to a disk: whoever can open it reads and writes the disk raw.
		return fail(check, `${path} holds block devices (${summarizeNames(blocks)}): disks of the host are visible ${where(data)}, and its root could read and write them raw, past every file permission. Was the host's /dev bind-mounted or a devtmpfs mounted there? Unmount it and mount a fresh tmpfs instead`, details);
	}

	return pass(check, `${path} is as expected (${actual})`, details);
}

function needsTarget(check: CheckSpec): boolean {
	return check.options.mode !== undefined || check.options.match !== undefined || check.options['not-match'] !== undefined;
}

function matchProblem(check: CheckSpec, data: FileData): string | undefined {
	const {match} = check.options;
	const notMatch = check.options['not-match'];
	if (match === undefined && notMatch === undefined) {
		return undefined;
	}

	if (data.text === undefined || data.text === null) {
		return `${data.path} is not a regular file, so its lines cannot be matched`;
	}

	const lines = data.text.split('\n');
	const stub = stubProblem(data, lines);
	if (match !== undefined && !lines.some(line => new RegExp(match).test(line))) {
		const write = posix.basename(data.path) === 'resolv.conf' ? `: ${where(data)}, ${writeResolver(data)}` : '';
		return stub ?? `no line of ${data.path} matches /${match}/ (${data.text.trim() === '' ? 'the file is empty' : `it says: ${summarizeText(data.text)}`})${write}`;
	}

	if (notMatch !== undefined) {
		const bad = lines.find(line => new RegExp(notMatch).test(line));
		if (bad !== undefined) {
			return stub ?? `${data.path} has the line "${bad.trim()}", which should not be there (it matches /${notMatch}/)`;
		}
	}

	return undefined;
}

/** A resolv.conf that names a loopback stub: the classic reason `apt-get update` cannot resolve. */
function stubProblem(data: FileData, lines: string[]): string | undefined {
	if (posix.basename(data.path) !== 'resolv.conf') {
		return undefined;
	}

	const stub = parseNameservers(lines.join('\n')).find(address => isLoopback(address));
	if (stub === undefined) {
		return undefined;
	}

	return `${data.path} names nameserver ${stub}, a loopback stub (systemd-resolved on the host) that nothing in the container can reach: ${where(data)}, write the host's real resolver instead: ${writeResolver(data)}`;
}

function symlinkProblem(data: FileData): string {
	const {path, fact, target} = data;
	const head = `${path} is a symlink to ${fact?.target}`;
	if (target?.loop) {
		return `${head}, which loops`;
	}

	if (target?.fact === null || target === undefined) {
		const scope = data.rootfs === undefined ? '' : ` inside the rootfs (${target?.inside ?? fact?.target} resolves under ${data.rootfs}, not on the host)`;
		return `${head}, which is dangling: it does not exist${scope}`;
	}

	return head;
}

function replaceHint(data: FileData): string {
	if (posix.basename(data.path) !== 'resolv.conf') {
		return '';
	}

	return ` — ${where(data)}: rm ${data.inside}; ${writeResolver(data)}`;
}

function writeResolver(data: FileData): string {
	return `echo "nameserver ${data.resolver ?? '<the host\'s upstream DNS server>'}" > ${data.inside}`;
}

function modeProblem(data: FileData, actual: string, wanted: string): string {
	const octal = Number.parseInt(wanted, 8);
	const current = Number.parseInt(actual, 8);
	// 1777 wanted and 0777 found: the write-up's `chmod 777` done, `chmod +t` forgotten.
	if ((octal & 0o1000) !== 0 && (current & 0o1000) === 0 && (current | 0o1000) === octal) {
		return `${data.path} has mode ${actual}, without the sticky bit (expected ${wanted}): anyone could delete anyone's files there; ${where(data)} run chmod +t ${data.inside}`;
	}

	return `${data.path} has mode ${actual}, expected ${wanted}: ${where(data)} run chmod ${wanted} ${data.inside}`;
}
