import pg from 'pg';
import type {Row, Sql} from './sql-types.ts';

/** `?` placeholders (the one spelling queries.ts uses) as PostgreSQL's `$1, $2, …`. */
const numberPlaceholders = (query: string) => {
	let count = 0;
	return query.replaceAll('?', () => `$${++count}`);
};

/** BIGINT columns come back as strings from pg (they may pass 2^53); ours are milliseconds and counts. */
pg.types.setTypeParser(20, value => Number(value));

type Queryable = {query(text: string, values?: unknown[]): Promise<{rows: Row[]; rowCount: number | null}>};

const adapter = (client: Queryable, description: string, transaction: Sql['transaction'], close: () => Promise<void>): Sql => ({
	description,
	async run(query, parameters = []) {
		return (await client.query(numberPlaceholders(query), parameters)).rowCount ?? 0;
	},
	async all(query, parameters = []) {
		return (await client.query(numberPlaceholders(query), parameters)).rows;
	},
	transaction,
	close,
});

export const openPostgres = async (url: string): Promise<Sql> => {
	const pool = new pg.Pool({connectionString: url, max: 8});
	// Fail at start, with the server's own words, rather than at the first student's event.
	await pool.query('SELECT 1');
	const where = new URL(url);
	const description = `postgres ${where.hostname || where.searchParams.get('host') || 'localhost'}${where.pathname}`;
	const sql: Sql = adapter(pool, description, async work => {
		const client = await pool.connect();
		try {
			await client.query('BEGIN');
			const inside = adapter(client, description, async nested => nested(inside), async () => undefined);
			const result = await work(inside);
			await client.query('COMMIT');
			return result;
		} catch (error) {
			await client.query('ROLLBACK');
			throw error;
		} finally {
			client.release();
		}
	}, async () => pool.end());
	return sql;
};
