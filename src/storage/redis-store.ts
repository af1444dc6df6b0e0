/** The Redis session store (ioredis): one Lua script to begin an update, one to finish it. */
import { randomUUID } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";
import { createKeys, DEFAULT_PREFIX } from "./keys.js";
import {
  DEDUPE_TTL_SECONDS,
  LOCK_TTL_MS,
  StoreUnavailableError,
  withLockWait,
  type BeginRequest,
  type BeginResult,
  type Lease,
  type SessionStore,
} from "./session-store.js";

/**
 * KEYS: lock, update marker, rate counter, blocked mark, session.
 * ARGV: lock token, lock ms, rate max, rate window seconds.
 * Order matters: a held lock changes nothing, so the update can be retried as it was. An update
 * counts as handled once `finish` or `release` marked it: one whose holder died before that
 * (kill -9) is handled again when Telegram sends it again.
 */
const BEGIN = `
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'busy'} end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('DEL', KEYS[1])
  return {'duplicate'}
end
local count = redis.call('INCR', KEYS[3])
if count == 1 then redis.call('EXPIRE', KEYS[3], ARGV[4]) end
if count > tonumber(ARGV[3]) then
  redis.call('DEL', KEYS[1])
  if count == tonumber(ARGV[3]) + 1 then return {'limited', '1'} end
  return {'limited', '0'}
end
redis.call('DEL', KEYS[4])
local session = redis.call('GET', KEYS[5])
if session then return {'ready', session} end
return {'ready'}
`;

/**
 * KEYS: lock, session, update marker. ARGV: lock token, session ('' deletes it), TTL seconds,
 * dedupe seconds. The update is marked handled even when the lock ran out: its answer was sent.
 */
const FINISH = `
redis.call('SET', KEYS[3], '1', 'EX', ARGV[4])
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3]) end
redis.call('DEL', KEYS[1])
return 1
`;

/** KEYS: lock, update marker. ARGV: lock token, dedupe seconds. Done without a write. */
const RELEASE = `
redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS: lock. ARGV: lock token, lock ms. Keeps a slow update's lock from running out. */
const EXTEND = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;

type ScriptRedis = Redis & {
  spBegin(...args: (string | number)[]): Promise<[string, string?]>;
  spFinish(...args: (string | number)[]): Promise<number>;
  spRelease(...args: (string | number)[]): Promise<number>;
  spExtend(...args: (string | number)[]): Promise<number>;
};

/** ioredis options for a bot that must answer quickly when Redis is away and recover by itself. */
const RESILIENT_REDIS_OPTIONS: RedisOptions = {
  // Not ioredis's auto-pipelining: see `coalesceWrites`, which batches the same way.
  enableAutoPipelining: false,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 2_000,
  connectTimeout: 2_000,
  retryStrategy: (times) => Math.min(100 * times, 2_000),
};

/** How long a command waits for a (re)connecting client before the update is answered "unavailable". */
const CONNECT_WAIT_MS = 1_000;

/** Resolves when the client is connected, or after `timeoutMs` (the command then fails fast). */
async function whenReady(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === "ready" || client.status === "end") return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off("ready", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once("ready", done);
  });
}

/**
 * Commands sent in the same turn of the event loop leave in one write: the first corks the
 * socket, and it is uncorked once that turn's I/O has been handled. Under load, the scripts of
 * many chats' updates share a system call and a round trip instead of each paying for its own.
 *
 * ioredis's own auto-pipelining batches the same way, but builds a Pipeline per batch whose
 * constructor defines an accessor with a fresh closure on the instance. V8 then gives every batch
 * its own hidden class, which keeps the batch and everything its callbacks reach (the updates it
 * answered) alive until the next full collection: under load, megabytes per second promoted to
 * the old generation and young-generation pauses several times longer.
 */
function coalesceWrites(client: Redis): void {
  const socket = client.stream as Redis["stream"] | undefined;
  if (socket?.writable && socket.writableCorked === 0) {
    socket.cork();
    setImmediate(() => socket.uncork());
  }
}

/**
 * Runs store operations: waits briefly for a (re)connecting client, batches the writes (see
 * `coalesceWrites`) and turns every failure into StoreUnavailableError, which the bot answers with
 * "temporarily unavailable".
 */
export function createGuard(client: Redis) {
  return async <T>(operation: () => Promise<T>): Promise<T> => {
    try {
      await whenReady(client, CONNECT_WAIT_MS);
      coalesceWrites(client);
      return await operation();
    } catch (error) {
      throw new StoreUnavailableError("Redis did not answer", { cause: error });
    }
  };
}

export interface RedisStoreOptions {
  readonly url: string;
  readonly prefix?: string;
  /** How long a lock outlives a holder that died (tests shorten it). */
  readonly lockTtlMs?: number;
  readonly onError?: (error: Error) => void;
}

function createRedisClient(url: string, onError?: (error: Error) => void): Redis {
  const client = new Redis(url, RESILIENT_REDIS_OPTIONS);
  // Without a listener an unreachable Redis would crash the process; reconnecting is automatic.
  client.on("error", (error: Error) => onError?.(error));
  return client;
}

export function createRedisStore(
  options: RedisStoreOptions,
): SessionStore & { readonly client: Redis } {
  const client = createRedisClient(options.url, options.onError) as ScriptRedis;
  client.defineCommand("spBegin", { numberOfKeys: 5, lua: BEGIN });
  client.defineCommand("spFinish", { numberOfKeys: 3, lua: FINISH });
  client.defineCommand("spRelease", { numberOfKeys: 2, lua: RELEASE });
  client.defineCommand("spExtend", { numberOfKeys: 1, lua: EXTEND });
  const keys = createKeys(options.prefix ?? DEFAULT_PREFIX);
  const lockTtlMs = options.lockTtlMs ?? LOCK_TTL_MS;

  const guard = createGuard(client);

  return {
    client,
    async begin({ chatId, updateId, rateLimit }: BeginRequest): Promise<BeginResult> {
      const token = randomUUID();
      const result = await withLockWait(async () => {
        const [status, value] = await guard(() =>
          client.spBegin(
            keys.lock(chatId),
            keys.update(chatId, updateId),
            keys.rate(chatId),
            keys.blocked(chatId),
            keys.session(chatId),
            token,
            lockTtlMs,
            rateLimit.max,
            rateLimit.windowSeconds,
          ),
        );
        switch (status) {
          case "busy":
            return undefined;
          case "duplicate":
            return { status: "duplicate" } as const;
          case "limited":
            return { status: "limited", notify: value === "1" } as const;
          default:
            return {
              status: "ready",
              raw: value ?? null,
              lease: { chatId, updateId, token },
            } as const;
        }
      }, lockTtlMs);
      return result === "busy" ? { status: "busy" } : result;
    },
    async finish(lease: Lease, raw: string | null, ttlSeconds: number) {
      const written = await guard(() =>
        client.spFinish(
          keys.lock(lease.chatId),
          keys.session(lease.chatId),
          keys.update(lease.chatId, lease.updateId),
          lease.token,
          raw ?? "",
          ttlSeconds,
          DEDUPE_TTL_SECONDS,
        ),
      );
      return written === 1;
    },
    async release(lease: Lease) {
      await guard(() =>
        client.spRelease(
          keys.lock(lease.chatId),
          keys.update(lease.chatId, lease.updateId),
          lease.token,
          DEDUPE_TTL_SECONDS,
        ),
      );
    },
    async extend(lease: Lease) {
      return (
        (await guard(() => client.spExtend(keys.lock(lease.chatId), lease.token, lockTtlMs))) === 1
      );
    },
    async markBlocked(chatId: number, ttlSeconds: number) {
      await guard(() => client.set(keys.blocked(chatId), "1", "EX", ttlSeconds));
    },
    async isBlocked(chatId: number) {
      return (await guard(() => client.exists(keys.blocked(chatId)))) === 1;
    },
    async ping() {
      try {
        return (await client.ping()) === "PONG";
      } catch {
        return false;
      }
    },
    async close() {
      client.disconnect();
    },
  };
}
