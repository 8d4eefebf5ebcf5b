import type {Sql} from './sql-types.ts';

/** Opens the database a `--db` value names: a postgres:// URL, or a file for the embedded engine. */
export const openSql = async (database: string): Promise<Sql> => {
	if (/^postgres(ql)?:\/\//.test(database)) {
		const {openPostgres} = await import('./sql-postgres.ts');
		return openPostgres(database);
	}

	const {openSqlite} = await import('./sql-sqlite.ts');
	return openSqlite(database);
};
