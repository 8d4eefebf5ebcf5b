import {mkdirSync} from 'node:fs';
import {createRequire} from 'node:module';
import {dirname} from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import {UsageError} from '../../errors.ts';
import type {Row, Sql} from './sql-types.ts';

type Driver = typeof BetterSqlite3;

/**
 * better-sqlite3 is an optional dependency, a native module: a learner's `npm ci` without a
 * compiler skips it, and only `classroom serve` loads it, here, when it is asked for.
 */
const loadDriver = (): Driver => {
	try {
		return createRequire(import.meta.url)('better-sqlite3') as Driver;
	} catch (error) {
		throw new UsageError(`the embedded database needs better-sqlite3, which is not built here (${(error as Error).message.split('\n')[0]}); run scripts/build-sqlite.sh, or use --db postgres://…`);
	}
};

export const openSqlite = (file: string): Sql => {
	const Driver = loadDriver();
	mkdirSync(dirname(file), {recursive: true});
	const database = new Driver(file);
	// WAL: a reader (the export) never blocks the server; synchronous=NORMAL in WAL mode still
	// keeps every committed transaction across a killed process (only a power cut may lose the last).
	database.pragma('journal_mode = WAL');
	database.pragma('synchronous = NORMAL');
	database.pragma('busy_timeout = 5000');
	const statements = new Map<string, BetterSqlite3.Statement>();
	const prepared = (query: string) => {
		let statement = statements.get(query);
		if (!statement) {
			statement = database.prepare(query);
			statements.set(query, statement);
		}

		return statement;
	};

	// The work between BEGIN and COMMIT awaits, so two requests' transactions could interleave on
	// the one connection: they take turns instead, one chained after the other.
	let turn: Promise<unknown> = Promise.resolve();
	const sql: Sql = {
		description: `sqlite ${file}`,
		async run(query, parameters = []) {
			if (/^\s*create /i.test(query)) {
				database.exec(query);
				return 0;
			}

			return prepared(query).run(...parameters).changes;
		},
		async all(query, parameters = []) {
			return prepared(query).all(...parameters) as Row[];
		},
		async transaction(work) {
			const mine = turn.then(async () => {
				database.exec('BEGIN IMMEDIATE');
				try {
					const result = await work(sql);
					database.exec('COMMIT');
					return result;
				} catch (error) {
					database.exec('ROLLBACK');
					throw error;
				}
			});
			turn = mine.catch(() => undefined);
			return mine;
		},
		async close() {
			database.close();
		},
	};
	return sql;
};
