import {mkdtemp, mkdir, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import test from 'ava';
import {capabilityName, decodeCapabilities, parseSecurity, readSecurity} from '../../../src/host/proc/security.ts';

/** The privilege lines of a runc container's init on this project's host (runc 1.1.5, its spec's defaults). */
const runcStatus = 'Name:\tsleep\nCapInh:\t0000000000000000\nCapPrm:\t0000000020000420\nCapEff:\t0000000020000420\nCapBnd:\t0000000020000420\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\nSeccomp:\t0\nSeccomp_filters:\t0\n';

test('runc\'s three capabilities decode by name', t => {
	t.deepEqual(decodeCapabilities('0000000020000420'), ['cap_kill', 'cap_net_bind_service', 'cap_audit_write']);
});

test('a full set of 41 decodes to 41 names, the last cap_checkpoint_restore', t => {
	const names = decodeCapabilities('000001ffffffffff');
	t.is(names.length, 41);
	t.is(names.at(-1), 'cap_checkpoint_restore');
	t.is(names[0], 'cap_chown');
});

test('a host without CAP_SYS_RESOURCE (bit 24) lacks exactly that one', t => {
	const names = decodeCapabilities('000001fffeffffff');
	t.is(names.length, 40);
	t.false(names.includes('cap_sys_resource'));
});

test('a bit the list does not know is named by its number', t => {
	t.deepEqual(decodeCapabilities('40000000000'), ['cap_42']);
	t.deepEqual(decodeCapabilities('0'), []);
	t.deepEqual(decodeCapabilities('zz'), []);
});

test('capability names as lessons and config.json write them', t => {
	t.is(capabilityName('CAP_KILL'), 'cap_kill');
	t.is(capabilityName('net_bind_service'), 'cap_net_bind_service');
});

test('the privilege lines of a status file', t => {
	t.deepEqual(parseSecurity(runcStatus), {
		effective: ['cap_kill', 'cap_net_bind_service', 'cap_audit_write'],
		permitted: ['cap_kill', 'cap_net_bind_service', 'cap_audit_write'],
		bounding: ['cap_kill', 'cap_net_bind_service', 'cap_audit_write'],
		inheritable: [],
		ambient: [],
		noNewPrivs: true,
		seccomp: 'disabled',
		seccompFilters: 0,
	});
	const filtered = parseSecurity('CapEff:\t0\nNoNewPrivs:\t0\nSeccomp:\t2\nSeccomp_filters:\t1\n');
	t.is(filtered.seccomp, 'filter');
	t.is(filtered.seccompFilters, 1);
	t.false(filtered.noNewPrivs);
});

test('an old kernel without the lines says nothing about them', t => {
	const old = parseSecurity('CapEff:\t0000000000000000\n');
	t.is(old.noNewPrivs, undefined);
	t.is(old.seccomp, undefined);
});

test('readSecurity reads a fake /proc and is null for a gone process', async t => {
	const proc = await mkdtemp(join(tmpdir(), 'rootcamp-security-'));
	t.teardown(async () => rm(proc, {recursive: true, force: true}));
	await mkdir(join(proc, '7'));
	await writeFile(join(proc, '7', 'status'), runcStatus);
	t.deepEqual(readSecurity(7, {proc})?.bounding, ['cap_kill', 'cap_net_bind_service', 'cap_audit_write']);
	t.is(readSecurity(8, {proc}), null);
});
