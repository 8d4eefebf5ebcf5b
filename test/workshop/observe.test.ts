import {mkdir, mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test, {type ExecutionContext} from 'ava';
import {defaultLessonsDir} from '../../src/lesson/load.ts';
import {openWorkshop} from '../../src/workshop/workshop.ts';
import {fakeProc} from '../helpers/fake-proc.ts';

async function engineWithCountedRounds(t: ExecutionContext) {
	const dir = await mkdtemp(join(tmpdir(), 'rootcamp-observe-'));
	t.teardown(async () => rm(dir, {recursive: true, force: true}));
	const rootfs = join(dir, 'rootfs');
	await mkdir(join(rootfs, 'tmp'), {recursive: true});
	const proc = await fakeProc(t, {100: {command: 'node', mountinfo: ''}}, 100);
	const engine = await openWorkshop({lessonsDir: defaultLessonsDir(), rootfs, route: 'busybox', proc, paths: {state: join(dir, 'state'), cache: join(dir, 'cache'), run: join(dir, 'run')}});
	let rounds = 0;
	const probes = engine.probes.bind(engine);
	engine.probes = () => {
		rounds++;
		return probes();
	};

	return {engine, rounds: () => rounds};
}

test('one observation is one round of probes, and says what verifyStep and setup say', async t => {
	const {engine, rounds} = await engineWithCountedRounds(t);
	const ref = {lesson: 'copy', step: 'unpack'};
	const observed = await engine.observe(ref);
	t.is(rounds(), 1);
	t.is(observed.snapshot, undefined, 'no snapshot unless asked');
	t.deepEqual(observed.report, await engine.verifyStep(ref));
	t.deepEqual(observed.setup, await engine.setup());
});

test('with snapshot, the snapshot comes from the same round', async t => {
	const {engine, rounds} = await engineWithCountedRounds(t);
	const observed = await engine.observe({lesson: 'copy', step: 'unpack'}, {snapshot: true});
	t.is(rounds(), 1);
	t.deepEqual(observed.snapshot, await engine.snapshot());
});
