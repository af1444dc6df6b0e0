/**
 * Chats other than private ones. The bot talks to parents only in private, so that nothing a parent
 * says ends up in a group; `/start` in a group points to the private chat. Office groups are
 * handled by the caseworker desk before this.
 */
import { type Composer } from "grammy";
import { DirectComposer } from "../composer.js";
import type { ContentSource } from "../content-bundle.js";
import type { BotContext } from "../context.js";
import { telegramLanguage } from "../../i18n/negotiate.js";

export function createGroups(
  content: ContentSource,
  defaultLanguage: string,
): Composer<BotContext> {
  const groups = new DirectComposer<BotContext>();
  const notPrivate = groups.filter((ctx) => ctx.chat !== undefined && ctx.chat.type !== "private");

  notPrivate.command("start", async (ctx) => {
    const bundle = content.current();
    const lang = telegramLanguage(ctx.from?.language_code, bundle.languages, defaultLanguage);
    await ctx.reply(bundle.texts.common(lang, "group.private_only", { bot: ctx.me.username }), {
      parse_mode: "HTML",
      ...(ctx.msg.message_thread_id !== undefined && {
        message_thread_id: ctx.msg.message_thread_id,
      }),
    });
  });
  notPrivate.on("callback_query", (ctx) => ctx.answerCallbackQuery());
  // Added to (or removed from) a group: say its id, which an office group's configuration needs.
  notPrivate.on("my_chat_member", (ctx) => {
    ctx.log.info(
      { group: ctx.chat.id, status: ctx.myChatMember.new_chat_member.status },
      "the bot's membership in a group changed; to use it as an office group, set CASEWORKER_CHAT_ID or an office's chat: to this group id",
    );
  });
  // Everything else in groups is not addressed to the bot: ignore it.
  notPrivate.use(() => undefined);

  return groups;
}
