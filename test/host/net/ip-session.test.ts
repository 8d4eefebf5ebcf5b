import {spawn} from 'node:child_process';
import test from 'ava';
import {IpSession} from '../../../src/host/net/ip-session.ts';
import {readNetwork} from '../../../src/host/net/net-facts.ts';

test('one ip answers round after round, a line per question', async t => {
	const session = new IpSession();
	t.teardown(() => {
		session.close();
	});
	for (let round = 0; round < 3; round++) {
		const answers = await session.ask(['addr show', 'route show table all', 'neigh show']);
		t.is(answers.length, 3);
		t.true((JSON.parse(answers[0]!) as Array<{ifname: string}>).some(link => link.ifname === 'lo'));
	}
});

test('requests made at once are answered in turn, each with its own lines', async t => {
	const session = new IpSession();
	t.teardown(() => {
		session.close();
	});
	const [links, lo] = await Promise.all([session.ask(['link show']), session.ask(['link show dev lo'])]);
	t.true((JSON.parse(links[0]!) as unknown[]).length > 0);
	t.deepEqual((JSON.parse(lo[0]!) as Array<{ifname: string}>).map(link => link.ifname), ['lo']);
});

test('a question ip cannot answer ends the session: answers never shift to the next request', async t => {
	const session = new IpSession();
	t.teardown(() => {
		session.close();
	});
	await t.throwsAsync(session.ask(['link show dev rootcamp-none', 'addr show']), {message: /ended before it answered/});
	t.true(session.ended);
	await t.throwsAsync(session.ask(['addr show']), {message: /has ended/});
});

test('later rounds read the host through the session and see what a first round sees', async t => {
	const first = await readNetwork(async () => undefined);
	const later = await readNetwork(async () => undefined);
	t.deepEqual(later.host.links.map(link => link.name), first.host.links.map(link => link.name));
	t.deepEqual(later.host.routes, first.host.routes);
});

test('a session never keeps rootcamp running', async t => {
	const session = new URL('../../../src/host/net/ip-session.ts', import.meta.url).pathname;
	const child = spawn(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', `const {IpSession} = await import(${JSON.stringify(session)}); const s = new IpSession(); await s.ask(['addr show']); console.log('asked')`], {stdio: ['ignore', 'pipe', 'inherit']});
	let said = '';
	child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
		said += chunk;
	});
	const code = await new Promise(resolve => child.on('close', resolve));
	t.is(code, 0);
	t.is(said, 'asked\n');
});
