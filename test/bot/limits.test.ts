/** Outbound limits and escaping: what keeps the bot within Telegram's rules. */
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBot } from "../../src/bot/create-bot.js";
import { createContentBundle, createContentSource } from "../../src/bot/content-bundle.js";
import { loadContent } from "../../src/flow-files/load.js";
import { createTexts } from "../../src/i18n/texts.js";
import { createMetrics } from "../../src/observability/metrics.js";
import { createMemoryStore } from "../../src/storage/memory-store.js";
import { BotApiEmulator } from "../../src/telegram-api/emulator.js";
import { createContentDir, REPO_ROOT } from "../factories.js";

let api: BotApiEmulator;
beforeAll(async () => {
  api = await new BotApiEmulator().start();
});
afterAll(() => api.stop());

describe("outbound throttle", () => {
  it(
    "sends a short burst to one chat at once, then about one message a second",
    { timeout: 15_000 },
    async () => {
      const { content } = await loadContent(REPO_ROOT);
      const bot = createBot({
        token: api.token,
        apiRoot: api.apiRoot,
        content: createContentSource(createContentBundle(content)),
        store: createMemoryStore(),
        logger: pino({ level: "silent" }),
        metrics: createMetrics(),
        defaultLanguage: "de",
        sessionTtlSeconds: 60,
        privacy: { controller: "c", dpo: "d", authority: "a" },
      });
      const chatId = 424242;
      const started = Date.now();
      await Promise.all(
        Array.from({ length: 5 }, (_, i) => bot.api.sendMessage(chatId, `Nachricht ${i}`)),
      );
      const times = api
        .callsOf("sendMessage")
        .filter((c) => c.params.chat_id === chatId)
        .map((c) => c.at - started);
      expect(times).toHaveLength(5);
      expect(times[2]!).toBeLessThan(500);
      expect(times[3]!).toBeGreaterThanOrEqual(800);
      expect(times[4]!).toBeGreaterThanOrEqual(1800);
    },
  );
});

describe("escaping", () => {
  it("escapes answers interpolated into texts, so a parent's input can never inject HTML", async () => {
    const root = await createContentDir({
      "flows/extra.yaml":
        "id: extra\nstart: name\nsteps:\n  name:\n    ask: { type: text, max_length: 50, save: child_name }\n    next: hello\n  hello:\n    choices:\n      - { label: ok, next: main.menu }\n",
      "locales/de/extra.json": JSON.stringify({
        name: { text: "Name?" },
        hello: { text: "Hallo <b>{{child_name}}</b>", choices: { ok: "OK" } },
      }),
      "locales/en/extra.json": JSON.stringify({
        name: { text: "Name?" },
        hello: { text: "Hello <b>{{child_name}}</b>", choices: { ok: "OK" } },
      }),
    });
    const { content } = await loadContent(root);
    const texts = createTexts(content);
    const html = texts.text(
      "de",
      { ns: "extra", key: "hello.text" },
      { child_name: '<i>x</i> & "y"' },
    );
    expect(html).toBe("Hallo <b>&lt;i&gt;x&lt;/i&gt; &amp; &quot;y&quot;</b>");
    // Another answer gives another text: answer-dependent texts are not cached.
    expect(texts.text("de", { ns: "extra", key: "hello.text" }, { child_name: "Mia" })).toBe(
      "Hallo <b>Mia</b>",
    );
  });
});
