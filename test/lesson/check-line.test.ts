import test from 'ava';
import {parseCheckLine} from '../../src/lesson/check-line.ts';

const parses = test.macro({
	exec(t, line: string, args: string[], options: Record<string, string>) {
		const parsed = parseCheckLine(line, 1);
		if ('error' in parsed) {
			t.fail(parsed.error);
			return;
		}

		t.deepEqual(parsed.args, args);
		t.deepEqual(parsed.options, options);
	},
	title: (_, line: string) => `parses: ${line}`,
});

test(parses, 'file {{rootfs}}/tmp type=dir mode=1777', ['{{rootfs}}/tmp'], {type: 'dir', mode: '1777'});
test(parses, String.raw`file /etc/resolv.conf match="^nameserver \S+"`, ['/etc/resolv.conf'], {match: String.raw`^nameserver \S+`});
test(parses, 'command container "ip link show vethCont" exit=0', ['container', 'ip link show vethCont'], {exit: '0'});
test(parses, String.raw`command host "a=b c" output="say \"hi\""`, ['host', 'a=b c'], {output: 'say "hi"'});
test(parses, 'link vethCont in=host up if-present', ['vethCont'], {in: 'host', up: 'true', 'if-present': 'true'});
test(parses, 'mount host {{rootfs}}/proc absent', ['host', '{{rootfs}}/proc'], {absent: 'true'});

test('an unclosed quote is an error', t => {
	t.deepEqual(parseCheckLine('file /x match="abc', 1), {error: 'a double quote is not closed'});
});

test('an unknown kind is an error that lists the known ones', t => {
	t.regex((parseCheckLine('nope /x', 1) as {error: string}).error, /unknown check kind "nope" \(known: tarball, file/);
});

test('`advice` marks a check as rootcamp\'s addition, not an option of its kind', t => {
	const advice = parseCheckLine('mount container /proc type=proc advice', 3);
	t.like(advice, {kind: 'mount', args: ['container', '/proc'], options: {type: 'proc'}, advice: true});
	t.false('advice' in (parseCheckLine('mount container /proc type=proc', 3) as object), 'a plain check is not advice');
	t.like(parseCheckLine('file /x match=advice', 3), {options: {match: 'advice'}}, 'a value spelled advice is just a value');
});
