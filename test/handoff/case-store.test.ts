/** One contract, two case stores: Redis (real server) and memory behave the same. */
import { randomInt } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { CaseStore, NewCase } from "../../src/handoff/case-store.js";
import { createMemoryCaseStore } from "../../src/handoff/memory-case-store.js";
import { createRedisCaseStore } from "../../src/handoff/redis-case-store.js";

const redisUrl = inject("redisUrl");
const clients: Redis[] = [];
afterAll(async () => {
  for (const client of clients) client.disconnect();
});

const NOW = Date.parse("2026-11-24T09:00:00Z");
const DAY = 86_400;

/** A store, and how to let time pass for it (the memory store runs on its own clock). */
interface Made {
  store: CaseStore;
  pass(ms: number): Promise<void>;
  prefix?: string;
  redis?: Redis;
}

const factories: Array<[string, () => Made]> = [
  [
    "memory",
    () => {
      let clock = NOW;
      return {
        store: createMemoryCaseStore(() => clock),
        pass: async (ms) => void (clock += ms),
      };
    },
  ],
];
if (redisUrl)
  factories.push([
    "redis",
    () => {
      const redis = new Redis(redisUrl);
      clients.push(redis);
      const prefix = `tc${randomInt(1e9)}:`;
      return {
        store: createRedisCaseStore(redis, prefix),
        pass: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        prefix,
        redis,
      };
    },
  ]);

function newCase(fields: Partial<NewCase> = {}): NewCase {
  return {
    office: "jugendamt",
    parentChat: 4242,
    lang: "uk",
    topic: "childcare",
    path: ["main.menu", "childcare.menu"],
    answers: { child_age: 2, in_school: false },
    message: "Потрібне місце в садку",
    contact: "chat",
    groupChat: -100123,
    ...fields,
  };
}

describe.each(factories)("case store (%s)", (_name, factory) => {
  it("numbers cases per office and reads them back with all fields", async () => {
    const { store } = factory();
    const first = await store.create(newCase(), NOW, DAY);
    const second = await store.create(newCase({ parentChat: 4343 }), NOW + 1, DAY);
    const other = await store.create(newCase({ office: "jobcenter" }), NOW + 2, DAY);
    expect([first.number, second.number, other.number]).toEqual([1, 2, 1]);
    expect(await store.get(first.id)).toEqual({
      ...newCase(),
      id: first.id,
      number: 1,
      status: "open",
      createdAt: NOW,
    });
    expect(await store.get("jugendamt:999")).toBeUndefined();
  });

  it("queues unclaimed cases, lets one caseworker claim, and ends a case once", async () => {
    const { store } = factory();
    const a = await store.create(newCase(), NOW, DAY);
    const b = await store.create(newCase({ parentChat: 2 }), NOW + 60_000, DAY);
    expect(await store.queuePosition("jugendamt", b.id)).toBe(2);
    expect(await store.waiting("jugendamt", NOW + 30_000)).toEqual([a.id]);

    expect(await store.claim(a.id, "Anna")).toBe(true);
    expect(await store.claim(a.id, "Ben")).toBe(false);
    expect((await store.get(a.id))?.claimedBy).toBe("Anna");
    expect(await store.queuePosition("jugendamt", b.id)).toBe(1);
    expect(await store.waiting("jugendamt", NOW + 120_000)).toEqual([b.id]);

    expect(await store.end(a.id, "closed", NOW + 1, 30 * DAY)).toBe(true);
    expect(await store.end(a.id, "withdrawn", NOW + 2, 30 * DAY)).toBe(false);
    expect((await store.get(a.id))?.status).toBe("closed");
    expect(await store.claim(b.id, "Anna")).toBe(true);
  });

  it("updates some fields without touching the others, and finds a case by topic or card", async () => {
    const { store } = factory();
    const record = await store.create(newCase(), NOW, DAY);
    await store.update(record.id, { thread: 77, card: 78 });
    await store.update(record.id, { greeted: 1 });
    expect(await store.get(record.id)).toMatchObject({ thread: 77, card: 78, greeted: 1 });
    await store.link(-100123, 77, record.id, DAY);
    expect(await store.byRef(-100123, 77)).toBe(record.id);
    expect(await store.byRef(-100123, 78)).toBeUndefined();
    expect(await store.groupMessages(record.id)).toContain(77);

    await store.remove(record.id);
    expect(await store.get(record.id)).toBeUndefined();
    expect(await store.byRef(-100123, 77)).toBeUndefined();
    expect(await store.queuePosition("jugendamt", record.id)).toBeUndefined();
  });

  it("keeps the outbox in order per group and counts ratings per office", async () => {
    const { store } = factory();
    const group = -100000 - randomInt(1e6);
    await store.push(group, { type: "open", caseId: "jugendamt:1" });
    await store.push(group, { type: "note", html: "<b>x</b>" });
    expect(await store.groupsWithJobs()).toContain(group);
    const token = await store.lockGroup(group, 5_000);
    expect(token).toBeDefined();
    expect(await store.lockGroup(group, 5_000)).toBeUndefined();
    expect(await store.peek(group)).toEqual({ type: "open", caseId: "jugendamt:1" });
    expect(await store.shift(group, token!, 5_000)).toBe(true);
    expect(await store.peek(group)).toEqual({ type: "note", html: "<b>x</b>" });
    expect(await store.shift(group, token!, 5_000)).toBe(true);
    expect(await store.peek(group)).toBeUndefined();
    await store.unlockGroup(group, token!);
    expect(await store.lockGroup(group, 5_000)).toBeDefined();

    await store.recordSent(group, NOW, 60_000);
    await store.recordSent(group, NOW + 1, 60_000);
    expect(await store.sentSince(group, NOW - 60_000)).toBe(2);
    expect(await store.sentSince(group, NOW)).toBe(1);

    const office = `office${randomInt(1e9)}`;
    await store.rate(office, 5);
    await store.rate(office, 5);
    await store.rate(office, 2);
    expect(await store.ratings(office)).toEqual({ "2": 1, "5": 2 });
  });

  it("never loses a job pushed while the emptied outbox is being found empty", async () => {
    const { store } = factory();
    const group = -100000 - randomInt(1e6);
    await store.push(group, { type: "note", html: "first" });
    await store.shift(group, (await store.lockGroup(group, 5_000))!, 5_000);
    // The drain finds the outbox empty just as a parent's message is queued for the group.
    const [seen] = await Promise.all([
      store.peek(group),
      store.push(group, { type: "copy", caseId: "jugendamt:1", fromChat: 7, messageId: 9 }),
    ]);
    expect(seen).toBeUndefined();
    expect(await store.groupsWithJobs()).toContain(group);
    expect(await store.peek(group)).toEqual({
      type: "copy",
      caseId: "jugendamt:1",
      fromChat: 7,
      messageId: 9,
    });
  });

  it("lets a drain whose lock ran out remove nothing, and no one release another's lock", async () => {
    const { store, pass } = factory();
    const group = -100000 - randomInt(1e6);
    await store.push(group, { type: "card", caseId: "jugendamt:1" });
    await store.push(group, { type: "card", caseId: "jugendamt:2" });
    const first = (await store.lockGroup(group, 30))!;
    await pass(60);
    // The first drain's lock ran out; a second drain takes the group and does its first job.
    const second = (await store.lockGroup(group, 5_000))!;
    expect(second).toBeDefined();
    await store.unlockGroup(group, first);
    expect(await store.lockGroup(group, 5_000)).toBeUndefined();
    expect(await store.shift(group, second, 5_000)).toBe(true);
    // The first drain finishes the job it had begun: the second's next job stays.
    expect(await store.shift(group, first, 5_000)).toBe(false);
    expect(await store.peek(group)).toEqual({ type: "card", caseId: "jugendamt:2" });
  });

  it("scrubs what the parent wrote and keeps where the case's messages are", async () => {
    const { store } = factory();
    const record = await store.create(
      newCase({ phone: "+49 170 1234567", groupChat: -100777 }),
      NOW,
      DAY,
    );
    await store.update(record.id, { thread: 42, card: 43 });
    await store.link(-100777, 44, record.id, DAY);
    await store.scrub(record.id);
    const scrubbed = await store.get(record.id);
    expect(scrubbed).toMatchObject({ message: "", answers: {}, path: [], thread: 42, card: 43 });
    expect(scrubbed?.phone).toBeUndefined();
    expect(JSON.stringify(scrubbed)).not.toContain("Потрібне");
    expect(await store.groupMessages(record.id)).toEqual([44]);
    await store.remove(record.id);
    await store.scrub(record.id);
    await store.update(record.id, { card: 45 });
    expect(await store.get(record.id)).toBeUndefined();
  });

  it("keeps a case in use alive: touching it renews the case and its topic's and card's links", async () => {
    const { store, pass } = factory();
    const record = await store.create(newCase({ groupChat: -100888 }), NOW, 1);
    await store.update(record.id, { thread: 7, card: 8 });
    await store.link(-100888, 7, record.id, 1);
    await store.link(-100888, 8, record.id, 1);
    await store.touch({ ...record, thread: 7, card: 8 }, 60);
    await pass(1_500);
    expect(await store.get(record.id)).toMatchObject({ id: record.id, thread: 7 });
    expect(await store.byRef(-100888, 7)).toBe(record.id);
    expect(await store.byRef(-100888, 8)).toBe(record.id);
  });

  it("gives a periodic task to one caller at a time", async () => {
    const { store } = factory();
    const name = `task${randomInt(1e9)}`;
    expect(await store.once(name, 10_000)).toBe(true);
    expect(await store.once(name, 10_000)).toBe(false);
  });
});

describe.runIf(redisUrl)("case store in Redis", () => {
  it("stores nothing without a time to live", async () => {
    const { store, prefix, redis } = factories.find(([name]) => name === "redis")![1]();
    const record = await store.create(newCase(), NOW, DAY);
    await store.link(-100123, 5, record.id, DAY);
    await store.push(-100123, { type: "open", caseId: record.id });
    await store.recordSent(-100123, NOW, 60_000);
    await store.rate("jugendamt", 4);
    await store.claim(record.id, "Anna");
    await store.end(record.id, "closed", NOW, 30 * DAY);
    const keys = await redis!.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) expect(await redis!.ttl(key), key).toBeGreaterThan(0);
  });

  it("reads a damaged outbox job as unreadable, with the reason, and goes on after it", async () => {
    const { store, prefix, redis } = factories.find(([name]) => name === "redis")![1]();
    const group = -100000 - randomInt(1e6);
    await redis!.rpush(`${prefix}outbox:${group}`, "{not json", '{"type":"copy","caseId":1}');
    await store.push(group, { type: "card", caseId: "jobcenter:3" });
    expect(await store.peek(group)).toEqual({ type: "unreadable", reason: "not JSON" });
    const token = (await store.lockGroup(group, 5_000))!;
    await store.shift(group, token, 5_000);
    expect(await store.peek(group)).toMatchObject({
      type: "unreadable",
      reason: expect.stringContaining("caseId: invalid_type") as string,
    });
    await store.shift(group, token, 5_000);
    expect(await store.peek(group)).toEqual({ type: "card", caseId: "jobcenter:3" });
  });
});
