import {randomUUID} from 'node:crypto';
import {mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import type {ClassEvent} from '../protocol.ts';

/** An event before it has an id and a time: what a hook knows. */
export type NewEvent = Omit<ClassEvent, 'id' | 'at'>;

let counter = 0;

/**
 * The on-disk queue: one file per event, named so that the names sort in the order they were
 * queued (time, then this process's counter), each written whole to a temporary name and renamed,
 * so a killed rootcamp leaves whole events or none. An event leaves only when the server took it.
 */
export const eventQueue = (dir: string) => ({
	add(events: NewEvent[], now = Date.now()): ClassEvent[] {
		mkdirSync(dir, {recursive: true, mode: 0o700});
		return events.map(event => {
			const queued: ClassEvent = {...event, id: randomUUID(), at: now};
			const name = `${String(now).padStart(15, '0')}-${String(process.pid).padStart(8, '0')}-${String(counter++).padStart(6, '0')}.json`;
			const temporary = join(dir, `.${name}.tmp`);
			writeFileSync(temporary, JSON.stringify(queued), {mode: 0o600});
			renameSync(temporary, join(dir, name));
			return queued;
		});
	},
	/** The queued events, oldest first; a file that does not parse (a disk fault) is dropped. */
	list(limit = Number.POSITIVE_INFINITY): Array<{name: string; event: ClassEvent}> {
		let names: string[];
		try {
			names = readdirSync(dir).filter(name => name.endsWith('.json')).sort().slice(0, limit);
		} catch {
			return [];
		}

		return names.flatMap(name => {
			try {
				return [{name, event: JSON.parse(readFileSync(join(dir, name), 'utf8')) as ClassEvent}];
			} catch {
				rmSync(join(dir, name), {force: true});
				return [];
			}
		});
	},
	/** Moves an event the server will never take into `rejected`, so the queue goes on without it. */
	setAside(name: string, rejected: string) {
		mkdirSync(rejected, {recursive: true, mode: 0o700});
		renameSync(join(dir, name), join(rejected, name));
	},
	remove(names: string[]) {
		for (const name of names) {
			rmSync(join(dir, name), {force: true});
		}
	},
});
