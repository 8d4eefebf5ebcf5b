import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {outputProgress, type ProgressEvent} from '../../src/run/progress.ts';

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
const debootstrapLog = readFileSync(join(import.meta.dirname, '../fixtures/run/debootstrap-minbase-bookworm.log'), 'utf8');

test('debootstrap: the packages it validates are the total of each later phase, with the current package', t => {
	const events = eventsOf(debootstrapLog);
	const last = (verb: string) => events.filter(event => event.item?.startsWith(`${verb} `)).at(-1);
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
