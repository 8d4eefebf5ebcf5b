import {execFileSync} from 'node:child_process';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {listTarball} from '../../src/host/rootfs/tarball.ts';
import {outputProgress, verboseExtractionOf, type ProgressEvent} from '../../src/run/progress.ts';

/** Feeds output through the progress reader in chunks that split lines, as a pipe does. */
const eventsOf = (output: string, chunkSize = 1000): ProgressEvent[] => {
	const events: ProgressEvent[] = [];
	let echoed = '';
	const feed = outputProgress(chunk => {
		echoed += chunk;
	}, event => events.push(event));
	for (let at = 0; at < output.length; at += chunkSize) {
		feed(output.slice(at, at + chunkSize));
	}

	if (echoed !== output) {
		throw new Error('the output must pass through unchanged');
	}

	return events;
};

// Captured here: `debootstrap --variant=minbase --include=procps bookworm` (the copy/export step's), 91 packages.
const debootstrapLog = readFileSync(join(import.meta.dirname, '../fixtures/run/debootstrap-minbase-bookworm.txt'), 'utf8');

test('debootstrap: the packages it validates are the total of each later phase, with the current package', t => {
	const events = eventsOf(debootstrapLog);
	const last = (verb: string) => events.findLast(event => event.item?.startsWith(`${verb} `));
	t.like(last('Validating'), {done: 91, total: undefined, unit: 'packages', item: 'Validating zlib1g'}, 'while it downloads, the count grows with no total');
	t.like(last('Extracting'), {done: 88, total: 91}, 'three packages of the base system are not extracted, only unpacked');
	t.like(last('Unpacking'), {done: 91, total: 91, item: 'Unpacking procps'}, 'the required packages and then the base system add up');
	t.like(events.at(-1), {done: 91, total: 91, item: 'Configuring libc-bin'}, 'configured twice, libc-bin counts once: the bar ends full');
	t.true(events.every(event => event.total === undefined || event.done <= event.total), 'never past the total');
	t.false(events.some(event => /InRelease|Packages|required|the base/.test(event.item ?? '')), 'phase headers are not packages');
});

test('debootstrap: within a phase the bar only moves forward', t => {
	const byPhase = new Map<string, number>();
	for (const event of eventsOf(debootstrapLog, 37)) {
		const verb = event.item!.split(' ')[0]!;
		t.true(event.done >= (byPhase.get(verb) ?? 0), `${event.item} at ${event.done}`);
		byPhase.set(verb, event.done);
	}
});

test('apt: the plan line gives the total, each "Setting up" a package, named', t => {
	const events = eventsOf('0 upgraded, 2 newly installed, 0 to remove and 0 not upgraded.\nSetting up libmnl0:amd64 (1.0.4-3) ...\nSetting up iproute2 (6.1.0-3) ...\n');
	t.deepEqual(events.map(event => [event.done, event.total, event.item]), [[0, 2, undefined], [1, 2, 'Setting up libmnl0:amd64'], [2, 2, 'Setting up iproute2']]);
});

test('tar -v: a count every 200 files, with the file it is at', t => {
	const lines = Array.from({length: 401}, (_, index) => `usr/share/doc/file-${index}`);
	const events = eventsOf(`${lines.join('\n')}\n`);
	t.deepEqual(events.map(event => [event.done, event.unit, event.item]), [[200, 'files', 'usr/share/doc/file-199'], [400, 'files', 'usr/share/doc/file-399']]);
});

test('tar -xv of a real archive: the bar\'s total is the member count its listing gives', async t => {
	const dir = mkdtempSync(join(tmpdir(), 'rootcamp-untar-'));
	t.teardown(() => {
		rmSync(dir, {recursive: true, force: true});
	});
	mkdirSync(join(dir, 'tree/usr/share/doc'), {recursive: true});
	for (let index = 0; index < 450; index++) {
		writeFileSync(join(dir, `tree/usr/share/doc/file-${index}`), `${index}\n`);
	}

	const archive = join(dir, 'rootfs.tar');
	execFileSync('tar', ['-cf', archive, '-C', join(dir, 'tree'), 'usr']);
	const listing = await listTarball(archive);
	{
		// 450 files and the three directories above them.
		t.is(listing?.members, 453);
		mkdirSync(join(dir, 'out'));
		const script = `cd ${dir}/out\ntar -xvf ${archive}`;
		t.is(verboseExtractionOf(script), archive);
		const events: ProgressEvent[] = [];
		const feed = outputProgress(() => undefined, event => events.push(event), {files: listing?.members});
		feed(execFileSync('sh', ['-c', script], {encoding: 'utf8'}));
		t.deepEqual(events.map(event => [event.done, event.total]), [[200, 453], [400, 453]]);
	}
});

test('which scripts unpack an archive verbosely, by an absolute path', t => {
	t.is(verboseExtractionOf('mkdir -v /ubunturoot\ncd /ubunturoot\ntar -xvf /root/ubuntu_root.tar'), '/root/ubuntu_root.tar');
	t.is(verboseExtractionOf('tar xvf /root/a.tar'), '/root/a.tar');
	t.is(verboseExtractionOf('tar -xf /root/a.tar'), undefined, 'quiet: no line per file to count');
	t.is(verboseExtractionOf('tar -cvf /root/a.tar bin etc'), undefined, 'creating, not unpacking');
	t.is(verboseExtractionOf('tar -xvf ubuntu_root.tar'), undefined, 'relative: where it points depends on the cd before it');
});
