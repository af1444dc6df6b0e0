/** Cases and the group outbox in Redis (ioredis), under the sessions' key prefix. */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { createGuard } from "../storage/redis-store.js";
import {
  caseId,
  COUNTER_TTL_SECONDS,
  fromHash,
  toHash,
  type Case,
  type CaseStore,
  readGroupJob,
  type NewCase,
} from "./case-store.js";

/** KEYS: case, office queue. ARGV: who, case id. Claims an open case. */
const CLAIM = `
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'claimed', 'claimedBy', ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2])
return 1
`;

/**
 * KEYS: case, office queue, group messages. ARGV: status, now, TTL seconds, case id. Ends an open
 * or claimed case, which then lives on for the TTL.
 */
const END = `
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'open' and status ~= 'claimed' then return 0 end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'closedAt', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[3], ARGV[3])
return 1
`;

/** KEYS: case. ARGV: field, value, … Changes an existing case; never recreates an erased one. */
const UPDATE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

/** KEYS: case. What the parent wrote and shared leaves the case; where its messages are stays. */
const SCRUB = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'message', '', 'answers', '{}', 'path', '[]')
redis.call('HDEL', KEYS[1], 'phone')
return 1
`;

/**
 * KEYS: outbox, outboxes. ARGV: group. The outbox's first job; an empty outbox leaves the set of
 * groups with jobs in the same step, so that a job pushed meanwhile keeps its group listed.
 */
const PEEK = `
local job = redis.call('LINDEX', KEYS[1], 0)
if not job then redis.call('SREM', KEYS[2], ARGV[1]) end
return job
`;

/**
 * KEYS: outbox, group lock. ARGV: token, lock ms. Removes the job just done, only while its drain
 * still holds the group (one whose lock ran out must not remove another drain's job), and renews
 * the lock for the next job.
 */
const SHIFT = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
redis.call('LPOP', KEYS[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return 1
`;

/** KEYS: lock. ARGV: token. Releases a lock only for its holder. */
const UNLOCK = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type ScriptRedis = Redis & {
  spClaim(key: string, queue: string, by: string, id: string): Promise<number>;
  spEnd(
    key: string,
    queue: string,
    msgs: string,
    status: string,
    now: number,
    ttlSeconds: number,
    id: string,
  ): Promise<number>;
  spUpdate(key: string, ...fieldsAndValues: string[]): Promise<number>;
  spScrub(key: string): Promise<number>;
  spPeek(outbox: string, outboxes: string, group: string): Promise<string | null>;
  spShift(outbox: string, lock: string, token: string, ms: number): Promise<number>;
  spUnlock(lock: string, token: string): Promise<number>;
};

const defined = new WeakSet<Redis>();

export function createRedisCaseStore(client: Redis, prefix = "sp:"): CaseStore {
  const redis = client as ScriptRedis;
  if (!defined.has(client)) {
    defined.add(client);
    redis.defineCommand("spClaim", { numberOfKeys: 2, lua: CLAIM });
    redis.defineCommand("spEnd", { numberOfKeys: 3, lua: END });
    redis.defineCommand("spUpdate", { numberOfKeys: 1, lua: UPDATE });
    redis.defineCommand("spScrub", { numberOfKeys: 1, lua: SCRUB });
    redis.defineCommand("spPeek", { numberOfKeys: 2, lua: PEEK });
    redis.defineCommand("spShift", { numberOfKeys: 2, lua: SHIFT });
    redis.defineCommand("spUnlock", { numberOfKeys: 1, lua: UNLOCK });
  }
  const k = {
    case: (id: string) => `${prefix}case:${id}`,
    msgs: (id: string) => `${prefix}case:${id}:msgs`,
    seq: (office: string) => `${prefix}seq:${office}`,
    queue: (office: string) => `${prefix}queue:${office}`,
    ref: (group: number, ref: number) => `${prefix}ref:${group}:${ref}`,
    ratings: (office: string) => `${prefix}ratings:${office}`,
    outbox: (group: number) => `${prefix}outbox:${group}`,
    outboxes: () => `${prefix}outboxes`,
    groupLock: (group: number) => `${prefix}outbox:${group}:lock`,
    sent: (group: number) => `${prefix}sent:${group}`,
    once: (name: string) => `${prefix}once:${name}`,
  };
  const guard = createGuard(client);
  const officeOf = (id: string) => id.split(":")[0]!;

  const store: CaseStore = {
    create: (fields: NewCase, now: number, ttlSeconds: number) =>
      guard(async () => {
        const counted = await redis
          .multi()
          .incr(k.seq(fields.office))
          .expire(k.seq(fields.office), COUNTER_TTL_SECONDS)
          .exec();
        const number = Number(counted?.[0]?.[1]);
        if (!Number.isInteger(number)) throw new Error("case number not counted");
        const id = caseId(fields.office, number);
        const record: Case = { ...fields, id, number, status: "open", createdAt: now };
        await redis
          .multi()
          .hset(k.case(id), toHash(record))
          .expire(k.case(id), ttlSeconds)
          .zadd(k.queue(fields.office), now, id)
          .expire(k.queue(fields.office), ttlSeconds)
          .exec();
        return record;
      }),
    get: (id) => guard(async () => fromHash(await redis.hgetall(k.case(id)))),
    update: (id, fields) =>
      guard(async () => {
        const pairs = Object.entries(toHash(fields)).flat();
        if (pairs.length > 0) await redis.spUpdate(k.case(id), ...pairs);
      }),
    scrub: (id) =>
      guard(async () => {
        await redis.spScrub(k.case(id));
      }),
    claim: (id, by) =>
      guard(async () => (await redis.spClaim(k.case(id), k.queue(officeOf(id)), by, id)) === 1),
    end: (id, status, now, ttlSeconds) =>
      guard(
        async () =>
          (await redis.spEnd(
            k.case(id),
            k.queue(officeOf(id)),
            k.msgs(id),
            status,
            now,
            ttlSeconds,
            id,
          )) === 1,
      ),
    remove: (id) =>
      guard(async () => {
        const record = fromHash(await redis.hgetall(k.case(id)));
        const refs = [...(await redis.lrange(k.msgs(id), 0, -1)).map(Number)];
        if (record?.thread !== undefined) refs.push(record.thread);
        if (record?.card !== undefined) refs.push(record.card);
        const multi = redis
          .multi()
          .del(k.case(id), k.msgs(id))
          .zrem(k.queue(officeOf(id)), id);
        if (record) for (const ref of refs) multi.del(k.ref(record.groupChat, ref));
        await multi.exec();
      }),
    touch: (record, ttlSeconds) =>
      guard(async () => {
        const multi = redis
          .multi()
          .expire(k.case(record.id), ttlSeconds)
          .expire(k.msgs(record.id), ttlSeconds);
        for (const ref of [record.thread, record.card])
          if (ref !== undefined) multi.expire(k.ref(record.groupChat, ref), ttlSeconds);
        await multi.exec();
      }),
    link: (group, ref, id, ttlSeconds) =>
      guard(async () => {
        await redis
          .multi()
          .set(k.ref(group, ref), id, "EX", ttlSeconds)
          .rpush(k.msgs(id), String(ref))
          .expire(k.msgs(id), ttlSeconds)
          .exec();
      }),
    byRef: (group, ref) => guard(async () => (await redis.get(k.ref(group, ref))) ?? undefined),
    groupMessages: (id) => guard(async () => (await redis.lrange(k.msgs(id), 0, -1)).map(Number)),
    queuePosition: (office, id) =>
      guard(async () => {
        const rank = await redis.zrank(k.queue(office), id);
        return rank === null ? undefined : rank + 1;
      }),
    waiting: (office, before) =>
      guard(() => redis.zrangebyscore(k.queue(office), "-inf", `(${before}`)),
    rate: (office, stars) =>
      guard(async () => {
        await redis
          .multi()
          .hincrby(k.ratings(office), String(stars), 1)
          .expire(k.ratings(office), COUNTER_TTL_SECONDS)
          .exec();
      }),
    ratings: (office) =>
      guard(async () => {
        const counts = await redis.hgetall(k.ratings(office));
        return Object.fromEntries(Object.entries(counts).map(([s, n]) => [s, Number(n)]));
      }),

    push: (group, job) =>
      guard(async () => {
        await redis
          .multi()
          .rpush(k.outbox(group), JSON.stringify(job))
          .expire(k.outbox(group), COUNTER_TTL_SECONDS)
          .sadd(k.outboxes(), String(group))
          .expire(k.outboxes(), COUNTER_TTL_SECONDS)
          .exec();
      }),
    groupsWithJobs: () => guard(async () => (await redis.smembers(k.outboxes())).map(Number)),
    peek: (group) =>
      guard(async () => {
        const raw = await redis.spPeek(k.outbox(group), k.outboxes(), String(group));
        return raw === null ? undefined : readGroupJob(raw);
      }),
    shift: (group, token, lockMs) =>
      guard(
        async () => (await redis.spShift(k.outbox(group), k.groupLock(group), token, lockMs)) === 1,
      ),
    lockGroup: (group, ms) =>
      guard(async () => {
        const token = randomUUID();
        return (await redis.set(k.groupLock(group), token, "PX", ms, "NX")) ? token : undefined;
      }),
    unlockGroup: (group, token) =>
      guard(async () => {
        await redis.spUnlock(k.groupLock(group), token);
      }),
    sentSince: (group, since) => guard(() => redis.zcount(k.sent(group), `(${since}`, "+inf")),
    recordSent: (group, now, windowMs) =>
      guard(async () => {
        await redis
          .multi()
          .zadd(k.sent(group), now, `${now}:${randomUUID().slice(0, 8)}`)
          .zremrangebyscore(k.sent(group), "-inf", now - windowMs)
          .pexpire(k.sent(group), windowMs * 2)
          .exec();
      }),
    once: (name, ms) =>
      guard(async () => (await redis.set(k.once(name), "1", "PX", ms, "NX")) === "OK"),
    close: async () => undefined,
  };
  return store;
}
