import test from 'ava';
import {parseLesson} from '../../src/lesson/parse.ts';

const lesson = (blocks: string) => `---
id: demo
title: Demo
---

## A step {#one}

Why.

${blocks}

\`\`\`check
cgroup rootcamp
\`\`\`

> **Hint:** Try again.
`;

const fence = (info: string, body = 'true') => `\`\`\`${info}\n${body}\n\`\`\``;

const parses = test.macro({
	exec(t, blocks: string, expected: {commands?: Array<Record<string, unknown>>; error?: RegExp}) {
		const {lesson: parsed, errors} = parseLesson(lesson(blocks), 'demo.md');
		if (expected.error === undefined) {
			t.deepEqual(errors, []);
		} else {
			t.regex(errors.map(error => `${error.line}: ${error.message}`).join('\n'), expected.error);
		}

		if (expected.commands) {
			for (const [index, command] of expected.commands.entries()) {
				t.like(parsed?.steps[0]?.commands[index], command);
			}
		}
	},
	title: given => `blocks: ${given}`,
});

test('one block per cgroup hierarchy', parses, `${fence('sh host cgroup=v2')}\n\n${fence('sh host cgroup=v1')}`, {commands: [{where: 'host', cgroup: 'v2'}, {where: 'host', cgroup: 'v1'}]});
test('a block for one hierarchy needs its twin', parses, fence('sh host cgroup=v1'), {error: /6: step "one" has a cgroup=v1 block but no cgroup=v2 block/});
test('an unknown hierarchy', parses, fence('sh host cgroup=v3'), {error: /unknown word "cgroup=v3".*cgroup=v1\|v2/});
test('a host block starts a side shell', parses, fence('sh host starts=jail', 'unshare --mount --pid --fork /bin/sh'), {commands: [{where: 'host', starts: 'jail', startsContainer: false}]});
test('only a host block starts one', parses, fence('sh container starts=jail'), {error: /unknown word "starts=jail"/});
test('an unknown side shell', parses, fence('sh host starts=box'), {error: /unknown word "starts=box".*starts=jail\|rootless\|layered for host blocks/});
test('blocks that run in the side shells', parses, `${fence('sh jail', 'pivot_root . oldroot')}\n\n${fence('sh rootless', 'id')}`, {commands: [{where: 'jail', text: 'pivot_root . oldroot'}, {where: 'rootless', text: 'id'}]});
test('in-shell is for the container only', parses, fence('sh jail in-shell'), {error: /unknown word "in-shell"/});
test('a block for one route, and one for several', parses, `${fence('sh host route=image')}\n\n${fence('sh host route=docker,debootstrap,busybox')}`, {commands: [{where: 'host', routes: ['image']}, {where: 'host', routes: ['docker', 'debootstrap', 'busybox']}]});
test('an unknown route among several', parses, fence('sh host route=busybox,scratch'), {error: /unknown word "route=busybox,scratch".*route=docker\|debootstrap\|busybox\|image \(or several, joined by commas\)/});
test('a block that says nothing of where', parses, fence('sh somewhere'), {error: /must say where it runs/});

const oneStep = (checks: string) => parseLesson(`---
id: demo
title: Demo
---

## A step {#one}

Why.

\`\`\`sh host
true
\`\`\`

\`\`\`check
${checks}
\`\`\`

> **Hint:** Try again.
`, 'demo.md');

test('a step may carry advice beside its own checks', t => {
	const {lesson: parsed, errors} = oneStep('container own=pid\nmount container /proc type=proc advice');
	t.deepEqual(errors, []);
	t.deepEqual(parsed?.steps[0]?.checks.map(check => check.advice ?? false), [false, true]);
});

test('advice alone does not judge a step: it needs a check of its own work, or to say it is unobservable', t => {
	t.regex(oneStep('mount container /proc type=proc advice').errors.map(error => error.message).join('\n'), /has only advice/);
	t.deepEqual(oneStep('unobservable: ip a only reads\nlink vethCont in=container up advice').errors, []);
	t.regex(oneStep('unobservable: ip a only reads\nlink vethCont in=container up').errors.map(error => error.message).join('\n'), /unobservable, so its checks can only be advice/);
});
