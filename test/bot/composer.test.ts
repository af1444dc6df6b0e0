/** DirectComposer routes every update exactly as grammY's Composer does. */
import { Api, Composer, Context } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { describe, expect, it } from "vitest";
import { DirectComposer } from "../../src/bot/composer.js";

const me: UserFromGetMe = {
  id: 1,
  is_bot: true,
  first_name: "Bot",
  username: "the_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};
const api = new Api("1:test");
const user = { id: 7, is_bot: false, first_name: "A" };
const privateChat = { id: 7, type: "private" as const, first_name: "A" };
const group = { id: -100, type: "supergroup" as const, title: "G" };

function message(text: string, chat: typeof privateChat | typeof group = privateChat): Update {
  const command = /^\/\S+/.exec(text)?.[0];
  return {
    update_id: 1,
    message: {
      message_id: 1,
      date: 0,
      chat,
      from: user,
      text,
      ...(command && { entities: [{ type: "bot_command", offset: 0, length: command.length }] }),
    },
  } as Update;
}
const tap = (data: string): Update => ({
  update_id: 2,
  callback_query: { id: "q", from: user, chat_instance: "c", data },
});
const UPDATES: Record<string, Update> = {
  "/start": message("/start"),
  "/start payload": message("/start childcare"),
  "/help@the_bot": message("/help@the_bot"),
  "/help@other_bot": message("/help@other_bot"),
  "/unknown": message("/unknown"),
  text: message("Kita Gebühren"),
  "group /start": message("/start", group),
  "group text": message("hallo", group),
  "tap 1c": tap("1cabc"),
  "tap rate": tap("rate:4"),
  sticker: {
    update_id: 3,
    message: { message_id: 2, date: 0, chat: privateChat, from: user, sticker: {} },
  } as Update,
  edited: {
    update_id: 4,
    edited_message: { message_id: 1, date: 0, edit_date: 1, chat: privateChat, text: "x" },
  } as Update,
  "member change": {
    update_id: 5,
    my_chat_member: { chat: group, from: user, date: 0 },
  } as unknown as Update,
};

/** The same features on either composer; returns what each update reached, in order. */
function build(root: Composer<Context>, make: () => Composer<Context>) {
  const hits: string[] = [];
  root.use(async (_ctx, next) => {
    hits.push("first");
    await next();
    hits.push("after");
  });
  const groups = make();
  const notPrivate = groups.filter((ctx) => ctx.chat !== undefined && ctx.chat.type !== "private");
  notPrivate.command("start", () => void hits.push("group start"));
  notPrivate.on("my_chat_member", () => void hits.push("member"));
  notPrivate.use(() => void hits.push("group swallowed"));
  root.use(groups);
  const commands = make();
  commands.command("start", (ctx) => void hits.push(`start(${ctx.match})`));
  commands.command(["help", "hilfe"], () => void hits.push("help"));
  root.use(commands);
  const buttons = make();
  buttons.callbackQuery(/^rate:(\d)$/, (ctx) => void hits.push(`rate ${ctx.match[1]}`));
  // An async predicate, and a handler added after the filter was registered.
  const late = buttons.filter(async (ctx) => Promise.resolve(ctx.callbackQuery !== undefined));
  root.use(buttons);
  late.use((ctx) => void hits.push(`tap ${ctx.callbackQuery!.data}`));
  const messages = make();
  messages.on("message:text", (ctx, next) => {
    hits.push(`text ${ctx.message.text.startsWith("/") ? "command" : "plain"}`);
    return next();
  });
  messages.on("edited_message", () => void hits.push("edited"));
  messages.on("message", () => void hits.push("other message"));
  root.use(messages);
  root.use(() => void hits.push("unhandled"));
  return hits;
}

async function route(make: () => Composer<Context>, update: Update): Promise<string[]> {
  const root = make();
  const hits = build(root, make);
  await root.middleware()(new Context(update, api, me), () => {
    hits.push("end");
    return Promise.resolve();
  });
  return hits;
}

describe("DirectComposer", () => {
  it.each(Object.keys(UPDATES))("routes %s as grammY's Composer does", async (name) => {
    const update = UPDATES[name]!;
    const direct = await route(() => new DirectComposer<Context>(), update);
    const grammy = await route(() => new Composer<Context>(), update);
    expect(direct).toEqual(grammy);
    expect(direct[0]).toBe("first");
    expect(direct.at(-1)).toBe("after");
  });

  it("reaches the handlers a parent would expect", async () => {
    const make = () => new DirectComposer<Context>();
    expect(await route(make, UPDATES["/start payload"]!)).toContain("start(childcare)");
    expect(await route(make, UPDATES["tap rate"]!)).toEqual(["first", "rate 4", "after"]);
    expect(await route(make, UPDATES["tap 1c"]!)).toEqual(["first", "tap 1cabc", "after"]);
    expect(await route(make, UPDATES["sticker"]!)).toEqual(["first", "other message", "after"]);
  });

  it("refuses a second call of next, as grammY does", async () => {
    const composer = new DirectComposer<Context>(async (_ctx, next) => {
      await next();
      await next();
    });
    await expect(
      composer.middleware()(new Context(UPDATES.text!, api, me), () => Promise.resolve()),
    ).rejects.toThrow("`next` already called before!");
  });
});
