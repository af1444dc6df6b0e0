/** One contract, two stores: Redis (real server) and memory behave the same. */
import { randomInt } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createMemoryStore } from "../../src/storage/memory-store.js";
import { createRedisStore } from "../../src/storage/redis-store.js";
import {
  StoreUnavailableError,
  type Lease,
  type SessionStore,
} from "../../src/storage/session-store.js";
import { freePort } from "../support/redis-server.js";

const redisUrl = inject("redisUrl");
const RATE = { max: 3, windowSeconds: 60 };
const stores: SessionStore[] = [];
afterAll(async () => Promise.all(stores.map((s) => s.close())));

type Factory = (lockTtlMs?: number) => SessionStore;
const factories: Array<[string, Factory]> = [
  ["memory", (lockTtlMs) => createMemoryStore(lockTtlMs ? { lockTtlMs } : {})],
];
if (redisUrl)
  factories.push([
    "redis",
    (lockTtlMs) =>
      createRedisStore({
        url: redisUrl,
        prefix: `t${randomInt(1e9)}:`,
        ...(lockTtlMs && { lockTtlMs }),
      }),
  ]);

async function ready(store: SessionStore, chatId: number, updateId: number) {
  const result = await store.begin({
    chatId,
    updateId,
    rateLimit: { max: 1000, windowSeconds: 60 },
  });
  if (result.status !== "ready") throw new Error(`expected ready, got ${result.status}`);
  return result;
}

describe.each(factories)("%s session store", (_name, create) => {
  const store = create();
  const createShort = () => create(300);
  stores.push(store);

  it("reads nothing for a new chat, then what the last update wrote", async () => {
    const first = await ready(store, 1, 1);
    expect(first.raw).toBeNull();
    expect(await store.finish(first.lease, '{"v":1}', 60)).toBe(true);
    expect((await ready(store, 1, 2)).raw).toBe('{"v":1}');
  });

  it("skips an update delivered twice", async () => {
    const first = await ready(store, 2, 10);
    await store.finish(first.lease, "a", 60);
    expect(await store.begin({ chatId: 2, updateId: 10, rateLimit: RATE })).toEqual({
      status: "duplicate",
    });
  });

  it("limits a flooding chat and asks to notify it once per window", async () => {
    const results = [];
    for (let i = 0; i < 5; i++) {
      const result = await store.begin({ chatId: 3, updateId: 100 + i, rateLimit: RATE });
      if (result.status === "ready") await store.finish(result.lease, "x", 60);
      results.push(result.status === "limited" ? `limited:${result.notify}` : result.status);
    }
    expect(results).toEqual(["ready", "ready", "ready", "limited:true", "limited:false"]);
  });

  it("serializes two updates of the same chat: the second waits for the first to finish", async () => {
    const first = await ready(store, 4, 1);
    const order: string[] = [];
    const second = store.begin({ chatId: 4, updateId: 2, rateLimit: RATE }).then((r) => {
      order.push("second began");
      return r;
    });
    await new Promise((r) => setTimeout(r, 80));
    order.push("first finishes");
    await store.finish(first.lease, "from first", 60);
    const result = await second;
    expect(order).toEqual(["first finishes", "second began"]);
    expect(result).toMatchObject({ status: "ready", raw: "from first" });
    if (result.status === "ready") await store.release(result.lease);
  });

  it("lets the next update through when a holder died without releasing the lock", async () => {
    const shortLived = createShort();
    stores.push(shortLived);
    const dead = await ready(shortLived, 8, 1);
    expect(dead.lease.chatId).toBe(8);
    // The holder is gone (kill -9): it never finishes. The next update waits out the lock.
    const started = Date.now();
    const next = await shortLived.begin({ chatId: 8, updateId: 2, rateLimit: RATE });
    expect(next.status).toBe("ready");
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    if (next.status === "ready") await shortLived.finish(next.lease, "after", 60);
    expect(await shortLived.finish(dead.lease, "too late", 60)).toBe(false);
  });

  it("handles an update again whose holder died before finishing it, once Telegram resends it", async () => {
    const shortLived = createShort();
    stores.push(shortLived);
    await ready(shortLived, 9, 1);
    // Killed mid-update: nothing answered, so Telegram sends the same update again.
    const again = await shortLived.begin({ chatId: 9, updateId: 1, rateLimit: RATE });
    expect(again.status).toBe("ready");
    if (again.status === "ready") await shortLived.finish(again.lease, "answered", 60);
    expect(await shortLived.begin({ chatId: 9, updateId: 1, rateLimit: RATE })).toEqual({
      status: "duplicate",
    });
  });

  it("keeps a slow update's lock while it renews it, and saves its session", async () => {
    const shortLived = createShort();
    stores.push(shortLived);
    const slow = await ready(shortLived, 10, 1);
    const other = shortLived.begin({ chatId: 10, updateId: 2, rateLimit: RATE });
    let otherBegan = false;
    void other.then(() => (otherBegan = true));
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 150));
      expect(await shortLived.extend(slow.lease)).toBe(true);
    }
    // 600 ms, twice the lock's time: still held, so the other update still waits.
    expect(otherBegan).toBe(false);
    expect(await shortLived.finish(slow.lease, "slow but saved", 60)).toBe(true);
    expect(await shortLived.extend(slow.lease)).toBe(false);
    const next = await other;
    expect(next).toMatchObject({ status: "ready", raw: "slow but saved" });
    if (next.status === "ready") await shortLived.release(next.lease);
  });

  it("does not write with a lock it no longer holds", async () => {
    const first = await ready(store, 5, 1);
    const forged: Lease = { chatId: 5, updateId: 1, token: "someone-else" };
    expect(await store.finish(forged, "lost write", 60)).toBe(false);
    await store.finish(first.lease, "kept", 60);
    expect((await ready(store, 5, 2)).raw).toBe("kept");
  });

  it("deletes a session, and releases a lock without writing", async () => {
    const first = await ready(store, 6, 1);
    await store.finish(first.lease, "data", 60);
    const second = await ready(store, 6, 2);
    await store.finish(second.lease, null, 60);
    const third = await ready(store, 6, 3);
    expect(third.raw).toBeNull();
    await store.release(third.lease);
    await store.release(third.lease);
    expect((await ready(store, 6, 4)).raw).toBeNull();
  });

  it("remembers a chat that blocked the bot until it writes again", async () => {
    await store.markBlocked(7, 60);
    expect(await store.isBlocked(7)).toBe(true);
    const next = await ready(store, 7, 1);
    await store.release(next.lease);
    expect(await store.isBlocked(7)).toBe(false);
  });

  it("answers ping", async () => {
    expect(await store.ping()).toBe(true);
  });
});

describe("memory store expiry", () => {
  it("forgets sessions after their TTL", async () => {
    let now = 1_000_000;
    const store = createMemoryStore({ now: () => now });
    stores.push(store);
    const first = await store.begin({ chatId: 1, updateId: 1, rateLimit: RATE });
    if (first.status !== "ready") throw new Error();
    await store.finish(first.lease, "x", 10);
    now += 11_000;
    expect(await store.begin({ chatId: 1, updateId: 2, rateLimit: RATE })).toMatchObject({
      raw: null,
    });
  });
});

describe.runIf(redisUrl)("redis store", () => {
  it("stores sessions with their TTL", async () => {
    const store = createRedisStore({ url: redisUrl, prefix: "ttl:" });
    stores.push(store);
    const first = await ready(store, 9, 1);
    await store.finish(first.lease, "x", 1234);
    const ttl = await store.client.ttl("ttl:{9}:sess");
    expect(ttl).toBeGreaterThan(1200);
    expect(ttl).toBeLessThanOrEqual(1234);
    expect(await store.client.ttl("ttl:{9}:upd:1")).toBeGreaterThan(0);
  });

  it("sends the scripts of updates handled at the same time in one write", async () => {
    const store = createRedisStore({ url: redisUrl, prefix: `w${randomInt(1e9)}:` });
    stores.push(store);
    await ready(store, 1, 1);
    // Every system call the socket makes, one chunk or many.
    const socket = store.client.stream as unknown as Record<
      "_write" | "_writev",
      (...args: unknown[]) => unknown
    >;
    let writes = 0;
    for (const name of ["_write", "_writev"] as const) {
      const original = socket[name].bind(socket);
      socket[name] = (...args) => {
        writes++;
        return original(...args);
      };
    }
    const begun = await Promise.all(Array.from({ length: 40 }, (_, i) => ready(store, 100 + i, 1)));
    expect(writes).toBe(1);
    await Promise.all(begun.map((b) => store.finish(b.lease, `s${b.lease.chatId}`, 60)));
    expect(writes).toBe(2);
    // A lone update later on is not held back.
    const lone = await ready(store, 100, 2);
    expect(lone.raw).toBe("s100");
    expect(writes).toBe(3);
  });

  it("fails fast with a typed error when Redis is unreachable", async () => {
    const store = createRedisStore({ url: `redis://127.0.0.1:${await freePort()}` });
    stores.push(store);
    const started = Date.now();
    await expect(store.begin({ chatId: 1, updateId: 1, rateLimit: RATE })).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await store.ping()).toBe(false);
  });
});
