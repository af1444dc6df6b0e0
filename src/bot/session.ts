/**
 * A parent's session as stored: small, versioned, zod-parsed and migrated on read. A record that
 * does not parse is replaced by a fresh session (and logged by the caller), never a crash loop.
 */
import { z } from "zod";
import { createEngineState, engineStateSchema } from "../engine/state.js";

export const SESSION_VERSION = 1;

export const sessionSchema = z.object({
  v: z.literal(SESSION_VERSION),
  /** The language the parent chose; absent while it follows Telegram's language. */
  lang: z.string().max(16).optional(),
  /** Whether the first-contact welcome (assistant notice, privacy summary) was shown. */
  w: z.literal(1).optional(),
  /** The engine's state: where the parent is, answers, history. */
  e: engineStateSchema,
  /** The parent's open handoff case, by id. */
  c: z.string().max(80).optional(),
  /** The request form in progress (the conversations plugin's state); gone when it ends. */
  i: z.unknown().optional(),
  /** A closed case the parent just rated: their next text, soon after, is a comment on it. */
  rc: z.string().max(80).optional(),
  /** When they rated it (ms since 1970). */
  ra: z.number().int().optional(),
});

export type Session = z.infer<typeof sessionSchema>;

export function createSession(flowsHash: string): Session {
  return { v: SESSION_VERSION, e: createEngineState(flowsHash) };
}

/** Upgrades older stored shapes, one version at a time. None exist yet: version 1 is the first. */
const MIGRATIONS: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {};

export type ReadSession =
  | { status: "new"; session: Session }
  | { status: "ok"; session: Session }
  | { status: "corrupt"; session: Session; reason: string };

/** Reads a stored session; anything unreadable gives a fresh one with the reason. */
export function readSession(raw: string | null, flowsHash: string): ReadSession {
  if (raw === null) return { status: "new", session: createSession(flowsHash) };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { status: "corrupt", session: createSession(flowsHash), reason: "not JSON" };
  }
  let record = data as Record<string, unknown>;
  for (
    let version = Number(record?.v);
    MIGRATIONS[version] !== undefined;
    version = Number(record.v)
  ) {
    record = MIGRATIONS[version]!(record);
  }
  const parsed = sessionSchema.safeParse(record);
  if (!parsed.success) {
    return {
      status: "corrupt",
      session: createSession(flowsHash),
      reason: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.code}`).join("; "),
    };
  }
  return { status: "ok", session: parsed.data };
}

export function writeSession(session: Session): string {
  return JSON.stringify(session);
}
