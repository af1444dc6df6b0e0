/**
 * The in-memory session store: the same contract as Redis, for the playground and for a single
 * process without Redis. Expired entries are dropped when touched and by a periodic sweep.
 */
import { randomUUID } from "node:crypto";
import {
  DEDUPE_TTL_SECONDS,
  LOCK_TTL_MS,
  withLockWait,
  type BeginRequest,
  type BeginResult,
  type Lease,
  type SessionStore,
} from "./session-store.js";

interface Entry {
  value: string;
  expiresAt: number;
}

export interface MemoryStoreOptions {
  readonly now?: () => number;
  /** How long a lock outlives a holder that died (tests shorten it). */
  readonly lockTtlMs?: number;
}

export function createMemoryStore(
  options: MemoryStoreOptions = {},
): SessionStore & { readonly size: () => number } {
  const now = options.now ?? Date.now;
  const lockTtlMs = options.lockTtlMs ?? LOCK_TTL_MS;
  const entries = new Map<string, Entry>();
  const get = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry?.value;
  };
  const set = (key: string, value: string, ttlMs: number) =>
    entries.set(key, { value, expiresAt: now() + ttlMs });
  const handled = (lease: Lease) =>
    set(`upd:${lease.chatId}:${lease.updateId}`, "1", DEDUPE_TTL_SECONDS * 1000);
  const sweep = setInterval(() => {
    const t = now();
    for (const [key, entry] of entries) if (entry.expiresAt <= t) entries.delete(key);
  }, 60_000);
  sweep.unref();

  return {
    size: () => entries.size,
    async begin({ chatId, updateId, rateLimit }: BeginRequest): Promise<BeginResult> {
      const token = randomUUID();
      const result = await withLockWait(async () => {
        const lockKey = `lock:${chatId}`;
        if (get(lockKey) !== undefined) return undefined;
        set(lockKey, token, lockTtlMs);
        if (get(`upd:${chatId}:${updateId}`) !== undefined) {
          entries.delete(lockKey);
          return { status: "duplicate" } as const;
        }
        const rateKey = `rate:${chatId}`;
        const count = Number(get(rateKey) ?? 0) + 1;
        const rateEntry = entries.get(rateKey);
        entries.set(rateKey, {
          value: String(count),
          expiresAt:
            count === 1 || !rateEntry
              ? now() + rateLimit.windowSeconds * 1000
              : rateEntry.expiresAt,
        });
        if (count > rateLimit.max) {
          entries.delete(lockKey);
          return { status: "limited", notify: count === rateLimit.max + 1 } as const;
        }
        entries.delete(`blocked:${chatId}`);
        return {
          status: "ready",
          raw: get(`sess:${chatId}`) ?? null,
          lease: { chatId, updateId, token },
        } as const;
      }, lockTtlMs);
      return result === "busy" ? { status: "busy" } : result;
    },
    async finish(lease: Lease, raw: string | null, ttlSeconds: number) {
      handled(lease);
      const lockKey = `lock:${lease.chatId}`;
      if (get(lockKey) !== lease.token) return false;
      if (raw === null) entries.delete(`sess:${lease.chatId}`);
      else set(`sess:${lease.chatId}`, raw, ttlSeconds * 1000);
      entries.delete(lockKey);
      return true;
    },
    async release(lease: Lease) {
      handled(lease);
      if (get(`lock:${lease.chatId}`) === lease.token) entries.delete(`lock:${lease.chatId}`);
    },
    async extend(lease: Lease) {
      if (get(`lock:${lease.chatId}`) !== lease.token) return false;
      set(`lock:${lease.chatId}`, lease.token, lockTtlMs);
      return true;
    },
    async markBlocked(chatId: number, ttlSeconds: number) {
      set(`blocked:${chatId}`, "1", ttlSeconds * 1000);
    },
    async isBlocked(chatId: number) {
      return get(`blocked:${chatId}`) !== undefined;
    },
    async ping() {
      return true;
    },
    async close() {
      clearInterval(sweep);
      entries.clear();
    },
  };
}
