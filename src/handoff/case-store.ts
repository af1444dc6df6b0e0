/**
 * Handoff cases and the office groups' outbox, behind one interface with a Redis and a memory
 * implementation (the same contract tests run against both).
 *
 * A case is a hash, so that the parent's side and the caseworkers' side can change different fields
 * at the same time without losing a write. Indexes find a case by the office topic or by a message
 * in a plain group; the queue of unclaimed cases per office gives positions and reminders. Every
 * key has a TTL: open cases live as long as sessions, closed ones `closedTtlSeconds`.
 */
import { z } from "zod";

export const CASE_STATUSES = ["open", "claimed", "closed", "withdrawn"] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const CONTACTS = ["chat", "phone", "office"] as const;
export type Contact = (typeof CONTACTS)[number];

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const caseSchema = z.object({
  id: z.string(),
  office: z.string(),
  number: z.coerce.number().int(),
  parentChat: z.coerce.number().int(),
  lang: z.string(),
  topic: z.string(),
  path: z.array(z.string()),
  answers: z.record(z.string(), scalar),
  message: z.string(),
  contact: z.enum(CONTACTS),
  phone: z.string().optional(),
  status: z.enum(CASE_STATUSES),
  createdAt: z.coerce.number(),
  groupChat: z.coerce.number().int(),
  /** Forum topic of the case, or absent in a plain group. */
  thread: z.coerce.number().int().optional(),
  /** The case card's message in the group. */
  card: z.coerce.number().int().optional(),
  /** The first caseworker answer carried the office header. */
  greeted: z.coerce.number().optional(),
  claimedBy: z.string().optional(),
  /** When the group was last reminded of this unclaimed case. */
  remindedAt: z.coerce.number().optional(),
  closedAt: z.coerce.number().optional(),
  rating: z.coerce.number().int().optional(),
});

export type Case = z.infer<typeof caseSchema>;

export type NewCase = Omit<Case, "id" | "number" | "status" | "createdAt">;

/** What the office group is sent, in order, within its budget (the desk's outbox). */
export const groupJobSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("open"), caseId: z.string() }),
  z.object({
    type: z.literal("copy"),
    caseId: z.string(),
    fromChat: z.number().int(),
    messageId: z.number().int(),
  }),
  z.object({ type: z.literal("card"), caseId: z.string() }),
  z.object({
    type: z.literal("note"),
    caseId: z.string().optional(),
    html: z.string(),
    close: z.boolean().optional(),
  }),
  z.object({
    type: z.literal("erase"),
    /** The case to erase: its topic or messages are looked up when the job runs. */
    caseId: z.string().optional(),
    /** Jobs stored by earlier versions name the topic or messages themselves. */
    thread: z.number().int().optional(),
    messages: z.array(z.number().int()).optional(),
    html: z.string(),
  }),
]);

export type GroupJob = z.infer<typeof groupJobSchema>;

/** A stored job that does not parse: the desk drops it (and logs why) instead of retrying forever. */
export interface UnreadableJob {
  readonly type: "unreadable";
  readonly reason: string;
}

/** A job as stored (JSON), read back and checked. */
export function readGroupJob(raw: string): GroupJob | UnreadableJob {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { type: "unreadable", reason: "not JSON" };
  }
  const parsed = groupJobSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  return {
    type: "unreadable",
    reason: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.code}`).join("; "),
  };
}

export interface CaseStore {
  create(fields: NewCase, now: number, ttlSeconds: number): Promise<Case>;
  get(id: string): Promise<Case | undefined>;
  /** Changes some fields; never touches the others. */
  update(id: string, fields: Partial<Case>): Promise<void>;
  /** `open` → `claimed`; false when someone else was first or the case is no longer open. */
  claim(id: string, by: string): Promise<boolean>;
  /** Ends the case and keeps it `ttlSeconds` longer (for the rating); false when it had ended already. */
  end(
    id: string,
    status: "closed" | "withdrawn",
    now: number,
    ttlSeconds: number,
  ): Promise<boolean>;
  /**
   * Removes what the parent wrote and shared (message, answers, path, phone) and keeps where the
   * case's messages are in the group, until the desk has deleted them there and calls `remove`.
   */
  scrub(id: string): Promise<void>;
  /** Deletes the case and its indexes (the parent asked to erase their data). */
  remove(id: string): Promise<void>;
  /**
   * An open case in use lives on: the case, its message list and its topic's and card's links
   * get `ttlSeconds` again (a case lives as long as it is active, like the parent's session).
   */
  touch(record: Case, ttlSeconds: number): Promise<void>;
  /** Finds the case of a forum topic or of a message in a plain group. */
  link(group: number, ref: number, id: string, ttlSeconds: number): Promise<void>;
  byRef(group: number, ref: number): Promise<string | undefined>;
  /** Messages the bot put into the group for this case (to erase them with the case). */
  groupMessages(id: string): Promise<number[]>;
  /** 1-based position among the office's unclaimed cases. */
  queuePosition(office: string, id: string): Promise<number | undefined>;
  /** Unclaimed cases of an office waiting since before `before`. */
  waiting(office: string, before: number): Promise<string[]>;
  rate(office: string, stars: number): Promise<void>;
  ratings(office: string): Promise<Record<string, number>>;

  /** Appends a job to a group's outbox. */
  push(group: number, job: GroupJob): Promise<void>;
  /** Groups with jobs waiting. */
  groupsWithJobs(): Promise<number[]>;
  /** The group's first job, or undefined when it has none (and is no longer listed). */
  peek(group: number): Promise<GroupJob | UnreadableJob | undefined>;
  /**
   * Removes the first job, once it is done, and renews the group's lock for `lockMs`; false (and
   * nothing removed) when `token` no longer holds the lock: another drain has taken over.
   */
  shift(group: number, token: string, lockMs: number): Promise<boolean>;
  /** One process at a time drains a group; returns a token, or undefined while another holds it. */
  lockGroup(group: number, ms: number): Promise<string | undefined>;
  unlockGroup(group: number, token: string): Promise<void>;
  /** Messages sent to the group since `since`; `record` adds one at `now`. */
  sentSince(group: number, since: number): Promise<number>;
  recordSent(group: number, now: number, windowMs: number): Promise<void>;
  /** A lock for a periodic task across replicas (reminders): true for the one that gets it. */
  once(name: string, ms: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Ratings, case numbers and sent marks outlive cases; a year and a bit. */
export const COUNTER_TTL_SECONDS = 400 * 86_400;

export const caseId = (office: string, number: number) => `${office}:${number}`;

/** Fields as stored in a hash: strings; objects as JSON. */
export function toHash(fields: Partial<Case>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] = typeof value === "object" ? JSON.stringify(value) : String(value);
  }
  return out;
}

export function fromHash(hash: Record<string, string>): Case | undefined {
  if (!hash.id) return undefined;
  try {
    const parsed = caseSchema.safeParse({
      ...hash,
      path: JSON.parse(hash.path ?? "[]"),
      answers: JSON.parse(hash.answers ?? "{}"),
    });
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
