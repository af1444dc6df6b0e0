// Benchmark baseline: a minimal grammY bot that serves the same menus (the choices steps of the
// real flows, German texts) from a plain grammY session on Redis (@grammyjs/storage-redis), in
// webhook mode. No deduplication, no cross-replica lock, no rate limit, no flow engine.
import { createServer } from "node:http";
import { RedisAdapter } from "@grammyjs/storage-redis";
import { Bot, InlineKeyboard, session, webhookCallback } from "grammy";
import { Redis } from "ioredis";
import { resolveTarget } from "../../dist/engine/advance.js";
import { loadContent } from "../../dist/flow-files/load.js";
import { createTexts } from "../../dist/i18n/texts.js";

const { content } = await loadContent(process.cwd());
const texts = createTexts(content);
const menus = new Map();
for (const flow of content.flows.flows.values()) {
  for (const [id, step] of flow.steps) {
    if (step.kind !== "choices") continue;
    menus.set(`${flow.id}.${id}`, {
      text: texts.text("de", { ns: flow.id, key: `${id}.text` }),
      buttons: step.choices.map((c) => ({
        label: texts.text("de", { ns: flow.id, key: `${id}.choices.${c.label}` }),
        next: resolveTarget(flow.id, c.next),
      })),
    });
  }
}
const MAIN = "main.menu";

const redis = new Redis(process.env.REDIS_URL);
const bot = new Bot(process.env.BOT_TOKEN, {
  client: { apiRoot: process.env.TELEGRAM_API_ROOT },
  botInfo: { id: 1, is_bot: true, first_name: "Baseline", username: "baseline_bot" },
});
bot.use(
  session({
    initial: () => ({ at: MAIN, count: 0 }),
    storage: new RedisAdapter({ instance: redis, ttl: 30 * 86_400 }),
  }),
);

async function show(ctx, ref) {
  const menu = menus.get(ref) ?? menus.get(MAIN);
  ctx.session.at = menus.has(ref) ? ref : MAIN;
  ctx.session.count++;
  const keyboard = new InlineKeyboard();
  menu.buttons.forEach((b, i) => keyboard.text(b.label, `${ctx.session.at}|${i}`).row());
  keyboard.text("🏠 Hauptmenü", "m");
  await ctx.reply(menu.text, { parse_mode: "HTML", reply_markup: keyboard });
}

bot.command("start", (ctx) => show(ctx, MAIN));
bot.on("callback_query:data", async (ctx) => {
  await ctx.answerCallbackQuery();
  const [ref, index] = ctx.callbackQuery.data.split("|");
  const next =
    ref && index !== undefined ? menus.get(ref)?.buttons[Number(index)]?.next : undefined;
  await show(ctx, next ?? MAIN);
});

const handle = webhookCallback(bot, "http");
// A failed update (grammY's adapter rejects a body it cannot parse) is answered, not a crash.
const server = createServer((req, res) =>
  handle(req, res).catch(() => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }),
);
const port = Number(process.env.PORT);
server.listen(port, "127.0.0.1", () => process.send?.({ ready: true, port }));
process.on("SIGTERM", () => {
  server.close();
  redis.disconnect();
  process.exit(0);
});
