import {z} from 'zod';

/**
 * What a student's rootcamp and the classroom server say to each other, as schemas: the server
 * parses every body with these (sizes, types, lengths), so a hand check can never be forgotten.
 */

const id = z.string().regex(/^[\w-]{8,64}$/);
const ref = z.string().regex(/^[a-z\d][\w-]{0,63}$/i);
const text = (max: number) => z.string().max(max);

const eventKinds = ['step-opened', 'verdict', 'hint', 'help', 'heartbeat', 'reset'] as const;

const eventSchema = z.strictObject({
	/** Chosen by the student (a UUID): the server stores each id once, so a resend changes nothing. */
	id,
	kind: z.enum(eventKinds),
	/** When it happened on the student's machine, ms since the epoch. */
	at: z.number().int().nonnegative().max(8_640_000_000_000_000),
	lesson: ref.optional(),
	step: ref.optional(),
	status: z.enum(['pass', 'fail', 'skip']).optional(),
	/**
	 * verdict: the learner tried the step (a `verify`, the app's `v`, a change the app saw on the
	 * open step). Sent each time, changed or not, so the same failure three times counts three times;
	 * a verdict without it only says where the step stands (the app's check on opening, the rest of a whole-course verify).
	 */
	attempt: z.boolean().optional(),
	/** The failing check, its message, and what it expected and saw. */
	check: text(200).optional(),
	message: text(500).optional(),
	expected: text(500).optional(),
	actual: text(500).optional(),
	/** reset: whether the host was left clean, and what was left. */
	clean: z.boolean().optional(),
	left: z.array(text(200)).max(50).optional(),
});
export type ClassEvent = z.infer<typeof eventSchema>;

export const eventBatchSchema = z.strictObject({events: z.array(eventSchema).min(1).max(100)});

/** A name is text of 1 to 60 characters without control characters; the dashboard shows it as text, never as HTML. */
export const joinSchema = z.strictObject({
	name: z.string().trim().min(1).max(60).regex(/^[^\p{Cc}]+$/u),
});

export const paceSchema = z.strictObject({lesson: ref, step: ref}).nullable();
export const broadcastSchema = z.strictObject({text: text(300)});
export const helpDoneSchema = z.strictObject({id});

/** What every answer to a student carries: where the instructor wants the class, and a message for all. */
export type ClassState = {
	pace: {lesson: string; step: string} | null;
	broadcast: {text: string; at: number} | null;
};

export const classStateSchema = z.object({
	pace: z.object({lesson: z.string(), step: z.string()}).nullable(),
	broadcast: z.object({text: z.string(), at: z.number()}).nullable(),
});

export const joinAnswerSchema = z.object({student: z.string(), token: z.string(), state: classStateSchema});
