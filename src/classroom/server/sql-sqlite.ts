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

	// Statements as they are, for work inside a transaction.
	const direct: Sql = {
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
			return work(direct);
		},
		async close() {
			database.close();
		},
	};

	// Group commit: the transactions asked for while one group runs wait and go together in the
	// next, each in a savepoint of its own (one that fails is undone alone), under one COMMIT. A
	// class posting hundreds of events a second costs a few commits a second, and every answer
	// still waits for the COMMIT that made its events durable. A plain write outside a transaction
	// goes through the same path, so nothing joins a group unseen and is answered before its commit.
	type Waiting = {work: (sql: Sql) => Promise<unknown>; resolve: (value: unknown) => void; reject: (error: unknown) => void};
	let waiting: Waiting[] = [];
	let running = false;
	const runGroups = async () => {
		running = true;
		while (waiting.length > 0) {
			const group = waiting;
			waiting = [];
			const outcomes: Array<{value?: unknown; error?: unknown; failed: boolean}> = [];
			try {
				database.exec('BEGIN IMMEDIATE');
			} catch (error) {
				for (const {reject} of group) {
					reject(error);
				}

				continue;
			}

			for (const {work} of group) {
				database.exec('SAVEPOINT work');
				try {
					outcomes.push({value: await work(direct), failed: false});
					database.exec('RELEASE work');
				} catch (error) {
					database.exec('ROLLBACK TO work');
					database.exec('RELEASE work');
					outcomes.push({error, failed: true});
				}
			}

			try {
				database.exec('COMMIT');
			} catch (error) {
				database.exec('ROLLBACK');
				for (const {reject} of group) {
					reject(error);
				}

				continue;
			}

			for (const [index, {resolve, reject}] of group.entries()) {
				const outcome = outcomes[index]!;
				if (outcome.failed) {
					reject(outcome.error);
				} else {
					resolve(outcome.value);
				}
			}
		}

		running = false;
	};

	const transaction = async <T>(work: (sql: Sql) => Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
		waiting.push({work, resolve: resolve as (value: unknown) => void, reject});
		if (!running) {
			// The next turn of the event loop: requests that arrive meanwhile join this group.
			running = true;
			setImmediate(() => {
				void runGroups();
			});
		}
	});

	const sql: Sql = {
		...direct,
		async run(query, parameters = []) {
			return /^\s*create /i.test(query) ? direct.run(query) : transaction(async tx => tx.run(query, parameters));
		},
		transaction,
	};
	return sql;
};
