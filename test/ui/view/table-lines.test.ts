import test from 'ava';
import {lineText} from '../../../src/ui/view/lines.ts';
import {checkLines} from '../../../src/ui/view/sections.ts';
import {tableLines} from '../../../src/ui/view/table-lines.ts';

const table = {head: ['fact', 'you (pid 6365)', 'runc rootcamp (pid 4622)'], rows: [['ipc namespace', 'shared with the host', 'own'], ['cgroup namespace', 'shared with the host', 'shared with the host']]};

test('the table\'s columns line up, and a row where both agree is muted', t => {
	const rows = tableLines(table, 80);
	const texts = rows.map(row => lineText(row));
	t.is(texts.length, 3);
	t.is(texts[1]!.indexOf('shared'), texts[0]!.indexOf('you'), 'the second column starts at the same place in every row');
	t.is(texts[1]!.indexOf('own'), texts[0]!.indexOf('runc'));
	const last = rows[2]!.at(-1);
	t.is(last && 'tone' in last ? last.tone : undefined, 'muted');
	t.false(rows[1]!.some(segment => 'tone' in segment && segment.tone === 'muted'));
});

test('a narrow terminal cuts cells instead of wrapping rows', t => {
	for (const row of tableLines(table, 40)) {
		t.true(lineText(row).length <= 40, lineText(row));
	}
});

test('the step\'s checks show the table a check carries', t => {
	const rows = checkLines({id: 'compare', title: 'Compare', status: 'pass', message: 'ok', checks: [{status: 'pass', message: 'ok', check: 'security table runc=rootcamp', table}]}, 80).map(row => lineText(row));
	t.true(rows.some(row => row.includes('ipc namespace') && row.includes('own')));
});
