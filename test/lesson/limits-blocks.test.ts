import {execFileSync} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {defaultLessonsDir, findStep, loadCourse} from '../../src/lesson/load.ts';
import {fillKnownVariables} from '../../src/lesson/variables.ts';

const {course} = loadCourse(defaultLessonsDir());
const memoryBlock = findStep(course, 'limits', 'memory')!.step.commands.find(block => block.where === 'host' && block.cgroup === 'v2')!;

/** A folder shaped as a v2 group's files, and the lesson's own block run on it with `sh -e`, as "run it" does. */
const runOn = (t: {teardown: (fn: () => void) => void}, withSwapFile: boolean) => {
	const cgroupfs = mkdtempSync(join(tmpdir(), 'rootcamp-cgroupfs-'));
	t.teardown(() => {
		rmSync(cgroupfs, {recursive: true, force: true});
	});
	mkdirSync(join(cgroupfs, 'rootcamp'));
	writeFileSync(join(cgroupfs, 'rootcamp/memory.max'), 'max\n');
	if (withSwapFile) {
		writeFileSync(join(cgroupfs, 'rootcamp/memory.swap.max'), 'max\n');
	}

	execFileSync('sh', ['-e', '-c', fillKnownVariables(memoryBlock.text, {cgroupfs})]);
	return join(cgroupfs, 'rootcamp');
};

test('v2 memory step: with swap accounting, the limit is set and swap switched off', t => {
	const group = runOn(t, true);
	t.is(readFileSync(join(group, 'memory.max'), 'utf8'), '32M\n');
	t.is(readFileSync(join(group, 'memory.swap.max'), 'utf8'), '0\n');
});

test('v2 memory step: a kernel without swap accounting has no memory.swap.max, and the block still succeeds without making one', t => {
	const group = runOn(t, false);
	t.is(readFileSync(join(group, 'memory.max'), 'utf8'), '32M\n');
	t.false(existsSync(join(group, 'memory.swap.max')), 'nothing is written where the kernel keeps no such file');
});
