/**
 * The engine's part of a parent's session. Small and bounded on purpose: it is read and written on
 * every update, so its size must not grow with the length of a conversation.
 */
import { z } from "zod";

export const ENGINE_STATE_VERSION = 1;

/** How many earlier questions and menus `back` can return to. */
export const MAX_HISTORY = 12;

/** How many answers a session keeps at most (a flow set has far fewer questions). */
export const MAX_ANSWERS = 64;

const stepRef = z.string().max(130);
const answerValue = z.union([z.string().max(1000), z.number(), z.boolean()]);

export const engineStateSchema = z.object({
  v: z.literal(ENGINE_STATE_VERSION),
  /** The hash of the flows this state was last advanced with. */
  h: z.string().max(32),
  /** The waiting step (menu or question) the parent is at; `null` before the start and after an end. */
  at: stepRef.nullable(),
  /** Saved answers by variable name. */
  a: z.record(z.string().max(64), answerValue).refine((a) => Object.keys(a).length <= MAX_ANSWERS),
  /** Earlier waiting steps, oldest first, for `back`. */
  hist: z.array(stepRef).max(MAX_HISTORY),
});

export type EngineState = z.infer<typeof engineStateSchema>;

/** A fresh state: nothing answered, nowhere yet. */
export function createEngineState(flowsHash: string): EngineState {
  return { v: ENGINE_STATE_VERSION, h: flowsHash, at: null, a: {}, hist: [] };
}

/**
 * Reads a stored state. Anything that does not parse (corrupt, or from an unknown version) gives
 * `undefined`, and the caller starts fresh: a bad record must never break a parent's chat.
 */
export function parseEngineState(raw: unknown): EngineState | undefined {
  const parsed = engineStateSchema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
