import type {Change, Snapshot} from './api.ts';
import type {CompareContext, JournalContext} from './facts/fact.ts';
import {facts} from './facts/registry.ts';
import type {JournalEntry} from './journal.ts';

/** Describes in words what differs between two snapshots, fact by fact in the registry's order. */
export function describeChanges(before: Snapshot, after: Snapshot, context: CompareContext): Change[] {
	return facts.flatMap(fact => fact.changes(before, after, context));
}

/** What appeared while rootcamp ran a step, for the journal, so `reset` can undo exactly that. */
export function madeByStep(before: Snapshot, after: Snapshot, context: JournalContext): JournalEntry[] {
	return facts.flatMap(fact => fact.journal?.(before, after, context) ?? []);
}
