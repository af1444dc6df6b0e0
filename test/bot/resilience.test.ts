/** Faults an operator meets: restarts, several replicas, Redis going away, Telegram throttling. */
import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { BotApiEmulator } from "../../src/telegram-api/emulator.js";
import {
  buttonsOf,
  newUserId,
  Parent,
  startHarness,
  WEBHOOK_SECRET,
  type Harness,
} from "../support/bot-harness.js";
import { startRedisServer } from "../support/redis-server.js";

const redisUrl = inject("redisUrl");
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function harnessWith(options: Parameters<typeof startHarness>[0]): Promise<Harness> {
  const harness = await startHarness(options);
  cleanup.push(() => harness.stop());
  return harness;
}

async function emulator(): Promise<BotApiEmulator> {
  const started = await new BotApiEmulator().start();
  cleanup.push(() => started.stop());
  return started;
}

describe.runIf(redisUrl)("with Redis", () => {
  it(
    "an update held up by Telegram for longer than a chat's lock lives still saves the session",
    {
      timeout: 30_000,
    },
    async () => {
      const api = await emulator();
      const harness = await harnessWith({ emulator: api, redisUrl });
      const parent = new Parent(api, { id: newUserId() });
      await parent.say("/start");
      // Telegram throttles the next answer for 11 s; the bot waits it out within the update.
      api.failNext("sendMessage", {
        code: 429,
        description: "Too Many Requests: retry after 11",
        retryAfter: 11,
      });
      await parent.tap("Kinderbetreuung");
      expect(parent.messages.at(-1)?.text).toContain("Was möchtest du wissen?");
      expect(harness.logs.join("\n")).not.toContain("chat lock expired");
      // The parent's place was saved.
      const redis = new Redis(redisUrl);
      cleanup.push(async () => void redis.disconnect());
      expect(await redis.get(`sp:{${parent.user.id}}:sess`)).toContain("childcare");
    },
  );

  it.each(["polling", "webhook"] as const)(
    "stopping (%s) finishes the update in flight before Redis closes, and takes in no new one",
    async (mode) => {
      const api = await emulator();
      const harness = await startHarness({ emulator: api, redisUrl, mode });
      const parent = new Parent(api, { id: newUserId() });
      const sending = api.holdNext("sendMessage");
      void api.sendText(parent.user, "/start");
      await sending.reached;

      let stopped = false;
      const stopping = harness.app.stop().then(() => (stopped = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(stopped).toBe(false);
      if (mode === "webhook") {
        // Another update now is refused, so that Telegram sends it again to the next process.
        const answer = await fetch(harness.webhookUrl, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-telegram-bot-api-secret-token": WEBHOOK_SECRET,
          },
          body: JSON.stringify({ update_id: 999_999 }),
        }).then(
          (response) => response.status,
          () => "connection refused",
        );
        expect([503, "connection refused"]).toContain(answer);
      }
      sending.release();
      await stopping;

      expect(parent.messages.some((m) => m.text?.includes("Wobei kann ich dir helfen?"))).toBe(
        true,
      );
      // The session was saved before Redis closed, and the chat's lock released.
      const redis = new Redis(redisUrl);
      cleanup.push(async () => void redis.disconnect());
      expect(await redis.get(`sp:{${parent.user.id}}:sess`)).not.toBeNull();
      expect(await redis.exists(`sp:{${parent.user.id}}:lock`)).toBe(0);
      expect(harness.logs.join("\n")).not.toContain("could not save the session");
    },
  );

  it("keeps the parent's place across a restart: a button of an old message still works", async () => {
    const api = await emulator();
    const first = await startHarness({ emulator: api, redisUrl });
    const parent = new Parent(api, { id: newUserId() });
    await parent.say("/start");
    await parent.tap("Kinderbetreuung");
    const topicMenu = parent.messageWith("Kita-Gebühren");
    await parent.tap("Anspruch auf einen Platz");
    await first.stop();

    await harnessWith({ emulator: api, redisUrl });
    // The answer to the open question is understood by the new process…
    expect((await parent.say("1")).join("\n")).toContain("§ 24 Abs. 2 SGB VIII");
    // …and a tap on a message from before the restart works.
    expect((await parent.tapOn(topicMenu, "Kita-Gebühren")).join("\n")).toContain("Kita-Gebühren");
    expect(api.violations).toEqual([]);
  });

  it("loses no session write when two replicas handle the same chat at the same time", async () => {
    const api = await emulator();
    const a = await harnessWith({ emulator: api, redisUrl });
    const b = await harnessWith({ emulator: api, redisUrl });
    const redis = new Redis(redisUrl);
    cleanup.push(async () => redis.disconnect());
    for (let round = 0; round < 5; round++) {
      const parent = new Parent(api, { id: newUserId() });
      await parent.say("/start");
      const mainMenu = parent.messageWith("Wohin gehen?");
      await parent.tap("Kinderbetreuung");
      await parent.tap("Anspruch auf einen Platz");
      await parent.say("7");
      const school = parent.messageWith("Ja");
      // At once: replica A saves an answer, replica B moves the parent to another topic. Each
      // update reads, changes and writes the session: without the lock, the later write would
      // be based on a state without the other's change, and that change would be lost.
      await Promise.all([
        parent.tapOn(school, "Ja", { url: a.webhookUrl, secret: WEBHOOK_SECRET }),
        parent.tapOn(mainMenu, "Wohin gehen?", { url: b.webhookUrl, secret: WEBHOOK_SECRET }),
      ]);
      const stored = JSON.parse((await redis.get(`sp:{${parent.user.id}}:sess`))!);
      expect(stored.e.a, `round ${round}`).toMatchObject({ child_age: 7, child_in_school: true });
      const visited = [stored.e.at, ...stored.e.hist].join(" ");
      expect(visited, `round ${round}`).toMatch(/where\.|childcare\.school_age/);
    }
    expect(api.violations).toEqual([]);
  });

  it("serializes a burst of updates of one chat across two replicas, in order", async () => {
    const api = await emulator();
    const a = await harnessWith({ emulator: api, redisUrl });
    const b = await harnessWith({ emulator: api, redisUrl });
    const parent = new Parent(api, { id: newUserId() });
    await parent.say("/start");
    await parent.tap("Geld und Unterstützung");
    await parent.tap("Mehrbedarf");
    const chat = api.privateChat(parent.user);
    // Twenty concurrent /menu and /back updates alternating between replicas: each one must be
    // handled under the lock, so the stored history stays consistent and nothing is lost or doubled.
    const targets = [a, b];
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.deliver(
          {
            message: {
              message_id: 5000 + i,
              date: 1,
              chat,
              from: parent.user,
              text: "/help",
              entities: [{ type: "bot_command", offset: 0, length: 5 }],
            },
          },
          { url: targets[i % 2]!.webhookUrl, secret: WEBHOOK_SECRET },
        ),
      ),
    );
    expect(parent.replies().filter((m) => m.text?.includes("So funktioniere ich"))).toHaveLength(
      20,
    );
  });

  it("answers 'temporarily unavailable' while Redis is down and recovers by itself", async () => {
    const server = await startRedisServer();
    cleanup.push(() => server.stop());
    const harness = await harnessWith({ redisUrl: server.url });
    const parent = new Parent(harness.emulator, { id: newUserId() });
    await parent.say("/start");
    await parent.tap("Kinderbetreuung");

    await server.stop();
    const started = Date.now();
    expect(await parent.say("/menu")).toEqual([
      "⚠️ Ich bin gerade vorübergehend nicht erreichbar. Bitte versuch es in ein paar Minuten noch einmal.",
    ]);
    expect(Date.now() - started).toBeLessThan(5_000);
    const health = await fetch(`http://127.0.0.1:${harness.app.httpPort}/healthz`);
    expect(health.status).toBe(503);

    await server.start();
    await harness.emulator.waitFor(
      async () => (await fetch(`http://127.0.0.1:${harness.app.httpPort}/healthz`)).status === 200,
      10_000,
    );
    let replies: string[] = [];
    for (let i = 0; i < 50 && !replies.join().includes("Wobei kann ich"); i++) {
      replies = await parent.say("/menu");
      if (!replies.join().includes("Wobei kann ich")) await new Promise((r) => setTimeout(r, 100));
    }
    expect(replies.at(-1)).toContain("Wobei kann ich dir helfen?");
    expect(harness.app.metrics.render()).toMatch(/bot_redis_errors_total [1-9]/);
    expect(harness.emulator.violations).toEqual([]);
  });
});

describe("Telegram faults", () => {
  it("retries after 429 with retry_after and after 5xx, and the parent gets the answer", async () => {
    const harness = await harnessWith(redisUrl ? { redisUrl } : {});
    const parent = new Parent(harness.emulator, { id: newUserId() });
    await parent.say("/start");
    harness.emulator.failNext("sendMessage", {
      code: 429,
      description: "Too Many Requests: retry after 1",
      retryAfter: 1,
    });
    harness.emulator.failNext("sendMessage", { code: 502, description: "Bad Gateway" });
    const started = Date.now();
    const replies = await parent.say("/help");
    expect(replies.join("\n")).toContain("So funktioniere ich");
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("marks a chat that blocked the bot and stays up", async () => {
    const harness = await harnessWith(redisUrl ? { redisUrl } : {});
    const parent = new Parent(harness.emulator, { id: newUserId() });
    await parent.say("/start");
    harness.emulator.blockedBy.add(parent.user.id);
    await parent.say("/help");
    expect(await harness.app.store.isBlocked(parent.user.id)).toBe(true);
    harness.emulator.blockedBy.delete(parent.user.id);
    expect((await parent.say("/help")).join()).toContain("So funktioniere ich");
    expect(await harness.app.store.isBlocked(parent.user.id)).toBe(false);
  });
});

describe("the HTTP side", () => {
  it("refuses webhook requests without the secret, and serves health and metrics", async () => {
    const harness = await harnessWith(redisUrl ? { redisUrl } : {});
    const post = (headers: Record<string, string>, body = "{}") =>
      fetch(harness.webhookUrl, { method: "POST", headers, body });
    expect((await post({})).status).toBe(401);
    expect((await post({ "x-telegram-bot-api-secret-token": "wrong-secret-123456" })).status).toBe(
      401,
    );
    expect(
      (await post({ "x-telegram-bot-api-secret-token": WEBHOOK_SECRET }, "not json")).status,
    ).toBe(400);
    expect(harness.emulator.webhook).toEqual({ url: harness.webhookUrl, secret: WEBHOOK_SECRET });

    const parent = new Parent(harness.emulator, { id: newUserId() });
    await parent.say("/start");
    const health = await fetch(`http://127.0.0.1:${harness.app.httpPort}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, redis: redisUrl ? "up" : "not used" });
    const metrics = await (await fetch(`http://127.0.0.1:${harness.app.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/bot_updates_total\{kind="message"\} [1-9]/);
    expect(metrics).toMatch(/bot_update_duration_seconds_count [1-9]/);
    expect(metrics).toContain("bot_active_sessions 1");
  });

  it("runs in polling mode: deletes any webhook and answers through getUpdates", async () => {
    const api = await emulator();
    api.webhook = { url: "http://127.0.0.1:9/old" };
    const harness = await harnessWith({
      emulator: api,
      mode: "polling",
      ...(redisUrl && { redisUrl }),
    });
    expect(harness.app.mode).toBe("polling");
    expect(api.webhook).toBeUndefined();
    const parent = new Parent(api, { id: newUserId() });
    await api.sendText(parent.user, "/start");
    const menu = await api.waitFor(() =>
      parent.messages.find((m) => m.text?.includes("Wobei kann ich dir helfen?")),
    );
    expect(menu).toBeDefined();
    // Without a webhook there is no response to ride on: the tap is answered by a request.
    await api.tap(parent.user, menu, buttonsOf(menu)[0]!.callback_data);
    const answer = await api.waitFor(() => api.callsOf("answerCallbackQuery")[0]);
    expect(answer.via).toBe("request");
  });

  it("answers a tap in the webhook reply, so the tap costs Telegram one request less", async () => {
    const harness = await harnessWith(redisUrl ? { redisUrl } : {});
    const api = harness.emulator;
    const parent = new Parent(api, { id: newUserId() });
    await parent.say("/start");
    const requestsBefore = api.calls.filter((c) => c.via === "request").length;
    expect(await parent.tap("Kinderbetreuung")).toHaveLength(1);
    const answers = api.callsOf("answerCallbackQuery");
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({
      via: "webhook reply",
      params: { callback_query_id: expect.any(String) },
      violations: [],
    });
    // The tap itself cost one request: the next step's message.
    expect(api.calls.filter((c) => c.via === "request").length - requestsBefore).toBe(1);
  });
});
