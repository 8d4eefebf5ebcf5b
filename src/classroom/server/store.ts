import {createHash, randomBytes, randomUUID, timingSafeEqual} from 'node:crypto';
import type {ClassEvent, ClassState} from '../protocol.ts';
import type {Row, Sql} from './sql-types.ts';

/** The schema, created on start; the same statements on SQLite and PostgreSQL. */
const schema = [
	'CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
	'CREATE TABLE IF NOT EXISTS students (id TEXT PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL, joined_at BIGINT NOT NULL, left_at BIGINT)',
	// seq: the order the server stored them in, which is each student's order too (a student's
	// sender sends in order and waits for each answer). The body keeps the event as it came.
	'CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, student_id TEXT NOT NULL, seq BIGINT NOT NULL, kind TEXT NOT NULL, at BIGINT NOT NULL, received_at BIGINT NOT NULL, body TEXT NOT NULL)',
	'CREATE INDEX IF NOT EXISTS events_by_seq ON events (seq)',
	'CREATE TABLE IF NOT EXISTS help_done (event_id TEXT PRIMARY KEY, done_at BIGINT NOT NULL)',
];

export type Student = {id: string; name: string; joinedAt: number; leftAt: number | null};
export type StoredEvent = ClassEvent & {student: string; seq: number; receivedAt: number};

const hashOf = (secret: string) => createHash('sha256').update(secret).digest();

const studentOf = (row: Row): Student => ({
	id: String(row.id),
	name: String(row.name),
	joinedAt: Number(row.joined_at),
	leftAt: row.left_at === null || row.left_at === undefined ? null : Number(row.left_at),
});

/**
 * What the classroom keeps: students (their tokens only as hashes), their events (each id once),
 * the class state, and which help requests were answered.
 */
export const openStore = async (sql: Sql) => {
	for (const statement of schema) {
		await sql.run(statement);
	}

	const [top] = await sql.all('SELECT COALESCE(MAX(seq), 0) AS top FROM events');
	let seq = Number(top?.top ?? 0);
	// Students are few (a class); their hashes stay in memory so a request costs no read.
	const hashes = new Map<string, Buffer>();
	const students = new Map<string, Student>();
	for (const row of await sql.all('SELECT id, name, token_hash, joined_at, left_at FROM students')) {
		students.set(String(row.id), studentOf(row));
		// A student who left has no token any more (leave empties it).
		const hash = String(row.token_hash);
		if (hash) {
			hashes.set(String(row.id), Buffer.from(hash, 'hex'));
		}
	}

	const setting = async (key: string) => {
		const rows = await sql.all('SELECT value FROM settings WHERE key = ?', [key]);
		return rows.length > 0 ? String(rows[0]!.value) : undefined;
	};

	const setSetting = async (key: string, value: string) => {
		await sql.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
	};

	const saved = await setting('class-state');
	let state: ClassState = saved ? JSON.parse(saved) as ClassState : {pace: null, broadcast: null};

	return {
		description: sql.description,
		setting,
		setSetting,
		/** The class's key, part of the join address: made once, kept in the database. */
		async classKey() {
			let key = await setting('class-key');
			if (!key) {
				key = randomBytes(9).toString('base64url');
				await setSetting('class-key', key);
			}

			return key;
		},
		/** A new student and the token only they get: `ID.SECRET`; the server keeps the secret's hash. */
		async addStudent(name: string, now = Date.now()) {
			const student: Student = {id: randomUUID(), name, joinedAt: now, leftAt: null};
			const secret = randomBytes(24).toString('base64url');
			const hash = hashOf(secret);
			await sql.run('INSERT INTO students (id, name, token_hash, joined_at) VALUES (?, ?, ?, ?)', [student.id, name, hash.toString('hex'), now]);
			students.set(student.id, student);
			hashes.set(student.id, hash);
			return {student, token: `${student.id}.${secret}`};
		},
		/** The student a token belongs to, compared in constant time; undefined for anything else. */
		authenticate(token: string | undefined): Student | undefined {
			const [id, secret, extra] = (token ?? '').split('.');
			const expected = id ? hashes.get(id) : undefined;
			if (!expected || !secret || extra !== undefined) {
				return undefined;
			}

			return timingSafeEqual(hashOf(secret), expected) ? students.get(id!) : undefined;
		},
		/** The student is gone and their token with them: a copy left on their disk posts nothing more. */
		async leave(student: Student, now = Date.now()) {
			await sql.run('UPDATE students SET left_at = ?, token_hash = \'\' WHERE id = ?', [now, student.id]);
			student.leftAt = now;
			hashes.delete(student.id);
		},
		students: () => [...students.values()],
		/**
		 * Stores a student's events in one transaction, each id once: a resend is accepted and
		 * changes nothing. An id another student already used is not accepted (nobody posts as another).
		 */
		async addEvents(student: Student, events: ClassEvent[], now = Date.now()) {
			return sql.transaction(async tx => {
				const accepted: string[] = [];
				const added: StoredEvent[] = [];
				for (const event of events) {
					// Taken before the insert awaits: concurrent batches (PostgreSQL runs them at once) never share a number; a resend leaves a gap.
					const stored: StoredEvent = {...event, student: student.id, seq: ++seq, receivedAt: now};
					const inserted = await tx.run('INSERT INTO events (id, student_id, seq, kind, at, received_at, body) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING', [event.id, student.id, stored.seq, event.kind, event.at, now, JSON.stringify(event)]);
					if (inserted > 0) {
						accepted.push(event.id);
						added.push(stored);
						continue;
					}

					const owner = await tx.all('SELECT student_id FROM events WHERE id = ?', [event.id]);
					if (owner[0]?.student_id === student.id) {
						accepted.push(event.id);
					}
				}

				return {accepted, added};
			});
		},
		/** Every event, in the order stored: what the dashboard's model and the exports are built from. */
		async events(): Promise<StoredEvent[]> {
			const rows = await sql.all('SELECT student_id, seq, received_at, body FROM events ORDER BY seq');
			return rows.map(row => ({...JSON.parse(String(row.body)) as ClassEvent, student: String(row.student_id), seq: Number(row.seq), receivedAt: Number(row.received_at)}));
		},
		async markHelpDone(eventId: string, now = Date.now()) {
			await sql.run('INSERT INTO help_done (event_id, done_at) VALUES (?, ?) ON CONFLICT (event_id) DO NOTHING', [eventId, now]);
		},
		async helpDone(): Promise<Set<string>> {
			return new Set((await sql.all('SELECT event_id FROM help_done')).map(row => String(row.event_id)));
		},
		/** Read on every answer to a student, so kept in memory; written through. */
		classState: (): ClassState => state,
		async setClassState(next: ClassState) {
			await setSetting('class-state', JSON.stringify(next));
			state = next;
		},
		close: async () => sql.close(),
	};
};

export type Store = Awaited<ReturnType<typeof openStore>>;
