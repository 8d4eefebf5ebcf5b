import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import test from 'ava';
import {handlerTraits} from '../../../src/host/faas/handler.ts';
import {repo} from '../../helpers/privileged.ts';

/** The handler scripts the faas lesson writes, in its order (each `cat > …/handler[.new] <<'EOF'` block). */
const lessonHandlers = (): string[] => {
	const text = readFileSync(join(repo, 'lessons/13-faas.md'), 'utf8');
	return [...text.matchAll(/cat > {{workdir}}\/faas\/handler(?:\.new)? <<'EOF'\n([\s\S]*?)\nEOF\n/g)].map(match => match[1]!);
};

/**
 * A shell reads its script as it runs it: a handler rewritten in place under a running request
 * made that request run a line of the new handler's `sh -c '…'` on the host, which renamed the
 * host to `faas-`. Every handler after the first is written beside the old one and renamed over it.
 */
test('every handler that replaces another is written beside it and renamed over it, never rewritten in place', t => {
	const text = readFileSync(join(repo, 'lessons/13-faas.md'), 'utf8');
	const blocks = [...text.matchAll(/```sh host[^\n]*\n([\s\S]*?)```/g)].map(match => match[1]!).filter(block => block.includes('cat > {{workdir}}/faas/handler'));
	t.is(blocks.length, 5, 'the function step writes the first handler, and four blocks replace it');
	t.regex(blocks[0]!, /^cat > {{workdir}}\/faas\/handler <<'EOF'$/m, 'the first is made where it runs: nothing runs it yet');
	for (const block of blocks.slice(1)) {
		t.notRegex(block, /cat > {{workdir}}\/faas\/handler </, 'never written in place');
		t.regex(block, /^cat > {{workdir}}\/faas\/handler\.new <<'EOF'\n[\s\S]*\nEOF\nchmod 755 {{workdir}}\/faas\/handler\.new\nmv {{workdir}}\/faas\/handler\.new {{workdir}}\/faas\/handler$/m);
	}
});

test('each of the lesson\'s handlers adds what its step teaches', t => {
	const [first, isolated, clean, v2, v1] = lessonHandlers().map(handlerTraits);
	t.deepEqual(first, {unshares: ['mount'], joinsGroup: false, cleansUp: false});
	t.deepEqual(isolated, {unshares: ['pid', 'mount', 'uts', 'ipc', 'net'], joinsGroup: false, cleansUp: false});
	t.deepEqual(clean, {unshares: ['pid', 'mount', 'uts', 'ipc', 'net'], joinsGroup: false, cleansUp: true});
	t.deepEqual(v2, {unshares: ['pid', 'mount', 'uts', 'ipc', 'net'], joinsGroup: true, cleansUp: true});
	t.deepEqual(v1, v2);
});

test('on cgroup v1 a handler may join by moving its own thread (echo 0 > tasks)', t => {
	t.true(handlerTraits('#!/bin/sh\necho 0 > /sys/fs/cgroup/pids/faas/$$/tasks\nunshare --pid sh\n').joinsGroup);
	t.false(handlerTraits('#!/bin/sh\necho 0 > /tmp/tasks.txt\nunshare --pid sh\n').joinsGroup);
});

test('comments say nothing about what a handler does', t => {
	t.deepEqual(handlerTraits('#!/bin/sh\n# unshare --net and rm -rf, echo > cgroup.procs, later\nexec chroot /r /f\n'), {unshares: [], joinsGroup: false, cleansUp: false});
});
