import test from 'ava';
import {factFindings as isolationFindings} from '../../src/workshop/doctor.ts';

const v1 = {version: 'v1' as const, roots: {pids: '/sys/fs/cgroup/pids', memory: '/sys/fs/cgroup/memory'}};

test('a host that can do the three lessons', t => {
	const findings = isolationFindings({hierarchy: v1, sysctl: () => '1'});
	t.like(findings[0], {name: 'control groups', ok: true, detail: 'cgroup v1: pids in /sys/fs/cgroup/pids, memory in /sys/fs/cgroup/memory'});
	t.like(findings[1], {name: 'user namespaces', ok: true});
});

test('no controllers, no user namespaces', t => {
	const findings = isolationFindings({hierarchy: {version: 'none', reason: 'no cgroup filesystem is mounted'}, sysctl: name => (name === 'kernel/unprivileged_userns_clone' ? '0' : undefined)});
	t.like(findings[0], {ok: false, detail: 'no cgroup filesystem is mounted'});
	t.like(findings[1], {ok: false, detail: 'kernel.unprivileged_userns_clone is 0'});
	t.regex(findings[1]?.fix ?? '', /sysctl -w/);
});
