import type {CheckTable} from '../../check/types.ts';
import {line, toned, truncate, type Line} from './lines.ts';

/**
 * A check's table (the runtime lesson's you | runc) as aligned rows under the check: the first
 * column as wide as its longest cell, the others sharing what is left; a cell too long is cut.
 */
export function tableLines(table: CheckTable, width: number, indent = '    '): Line[] {
	const gap = '  ';
	const columns = table.head.length;
	const usable = Math.max(columns * 4, width - indent.length - (gap.length * (columns - 1)));
	const first = Math.min(Math.max(...[table.head, ...table.rows].map(row => row[0]?.length ?? 0)), Math.floor(usable / 3));
	const rest = columns > 1 ? Math.floor((usable - first) / (columns - 1)) : 0;
	const cells = (row: string[]) => row.map((cell, index) => truncate(cell, index === 0 ? first : rest).padEnd(index === 0 ? first : rest)).join(gap).trimEnd();
	return [
		line(indent, toned('heading', cells(table.head))),
		// A row whose columns differ is where the containers part: it stands out.
		...table.rows.map(row => line(indent, row.slice(1).every(cell => cell === row[1]) ? toned('muted', cells(row)) : cells(row))),
	];
}
