/**
 * Per-chat state behind one interface, with a Redis and a memory implementation that pass the same
 * contract tests. Every update costs two round trips: `begin` (skip an update already handled,
 * rate-limit the chat, lock it against other replicas, read its session) and `finish` (write it,
 * mark the update handled, unlock).
 */

export interface RateLimit {
  /** Updates a chat may send per window before it is throttled. */
  readonly max: number;
  readonly windowSeconds: number;
}

export interface BeginRequest {
  readonly chatId: number;
  readonly updateId: number;
  readonly rateLimit: RateLimit;
}

/** Proof of holding a chat's lock for an update; passed back to `finish`. */
export interface Lease {
  readonly chatId: number;
  readonly updateId: number;
  readonly token: string;
}

export type BeginResult =
  /** Telegram delivered this update before: skip it. */
  | { status: "duplicate" }
  /** The chat sends too much; `notify` is true only the first time in a window. */
  | { status: "limited"; notify: boolean }
  /** Another replica held the chat for too long. */
  | { status: "busy" }
  | { status: "ready"; raw: string | null; lease: Lease };

export interface SessionStore {
  begin(request: BeginRequest): Promise<BeginResult>;
  /**
   * Writes the session (or deletes it, with `null`) with a TTL and releases the lock. Returns false
   * when the lock had expired and another process may have written since: nothing is written then.
   */
  finish(lease: Lease, raw: string | null, ttlSeconds: number): Promise<boolean>;
  /** Releases the lock without writing (the update failed); the update counts as handled. */
  release(lease: Lease): Promise<void>;
  /**
   * Renews the lock for another lock time, for an update that takes long (a long retry-after);
   * false when it is no longer held.
   */
  extend(lease: Lease): Promise<boolean>;
  /** Marks a chat that blocked the bot, so nothing is sent to it until it writes again. */
  markBlocked(chatId: number, ttlSeconds: number): Promise<void>;
  isBlocked(chatId: number): Promise<boolean>;
  /** Whether the store answers (for /healthz). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * How long a lock lives if its holder dies (kill -9) before releasing it. Updates take
 * milliseconds; a slow one renews its lock (`extend`); a holder that stops renewing it loses its
 * write (see `finish`) rather than block the chat.
 */
export const LOCK_TTL_MS = 10_000;
/** How long an update id is remembered for deduplication (Telegram redelivers within minutes). */
export const DEDUPE_TTL_SECONDS = 600;
/** How much longer than a lock lives `begin` waits for a chat held by another process. */
const LOCK_WAIT_MARGIN_MS = 2_000;

export class StoreUnavailableError extends Error {
  override readonly name = "StoreUnavailableError";
}

/**
 * Waits for a chat's lock with growing pauses; `attempt` returns undefined while it is held. It
 * waits longer than a lock of `lockTtlMs` lives, so a lock left by a killed process never makes
 * an update give up.
 */
export async function withLockWait<T>(
  attempt: () => Promise<T | undefined>,
  lockTtlMs: number,
): Promise<T | "busy"> {
  const deadline = Date.now() + lockTtlMs + LOCK_WAIT_MARGIN_MS;
  for (let round = 0; ; round++) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() >= deadline) return "busy";
    await new Promise((resolve) => setTimeout(resolve, Math.min(5 * 2 ** round, 100)));
  }
}
