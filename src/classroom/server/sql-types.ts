/**
 * The one thing the two databases must agree on: run a statement, read rows, do several in one
 * transaction. Every query is written once, with `?` placeholders, in SQL both SQLite and
 * PostgreSQL read the same (queries.ts); each engine's adapter translates only the placeholders.
 */
export type Row = Record<string, unknown>;

export type Sql = {
	run(query: string, parameters?: unknown[]): Promise<number>;
	all(query: string, parameters?: unknown[]): Promise<Row[]>;
	/** Runs `work` in one transaction: all of it is stored or none. */
	transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
	close(): Promise<void>;
	/** For messages: `sqlite FILE` or `postgres HOST/DB`, never a password. */
	readonly description: string;
};
