/** Talking to the parent: run the engine, compose, send; and the fixed texts around the flows. */
import { InlineKeyboard } from "grammy";
import { advance } from "../engine/advance.js";
import type { Input } from "../engine/types.js";
import type { CommonKey } from "../i18n/common-keys.js";
import { composeMessages, joinTextOnly, type ChatMessage } from "../render/compose.js";
import { encodeCallback } from "./callback-data.js";
import { parentOf, type BotContext } from "./context.js";
import { toOutgoing } from "./render.js";

/** Sends chat messages in order, each split if long, with its keyboard on the last part. */
export async function sendMessages(
  ctx: BotContext,
  messages: readonly ChatMessage[],
): Promise<void> {
  const chatId = ctx.chat!.id;
  for (const message of messages) {
    for (const part of toOutgoing(message)) {
      await ctx.api.sendMessage(chatId, part.text, {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(part.reply_markup && { reply_markup: part.reply_markup }),
      });
    }
  }
}

/** A common text in the parent's language. */
export function common(
  ctx: BotContext,
  key: CommonKey,
  vars?: Record<string, string | number>,
): string {
  const parent = parentOf(ctx);
  return parent.bundle.texts.common(parent.lang, key, vars);
}

export async function sendCommon(
  ctx: BotContext,
  key: CommonKey,
  vars?: Record<string, string | number>,
): Promise<void> {
  await sendMessages(ctx, [commonMessage(ctx, key, vars)]);
}

/**
 * Advances the parent's flow by one input and sends what the engine says. Text-only messages in
 * `before` (the welcome, a confirmation) are joined to it, so the parent gets one message.
 */
export async function runEngine(
  ctx: BotContext,
  input: Input,
  before: readonly ChatMessage[] = [],
): Promise<void> {
  const parent = parentOf(ctx);
  const { state, outputs } = advance(parent.bundle.content.flows, parent.session.e, input);
  parent.session.e = state;
  const person = parent.startHandoff !== undefined;
  await sendMessages(
    ctx,
    joinTextOnly([
      ...before,
      ...composeMessages(parent.bundle.texts, parent.lang, outputs, { person }),
    ]),
  );
  const handoff = outputs.find((o) => o.type === "handoff");
  if (handoff && parent.startHandoff) await parent.startHandoff(handoff.topic, handoff.office);
}

/** A common text as a message without buttons. */
export function commonMessage(
  ctx: BotContext,
  key: CommonKey,
  vars?: Record<string, string | number>,
): ChatMessage {
  return { html: common(ctx, key, vars), buttons: [] };
}

/** The language picker: every language named in itself. */
export async function sendLanguagePicker(ctx: BotContext): Promise<void> {
  const parent = parentOf(ctx);
  const keyboard = new InlineKeyboard();
  let inRow = 0;
  for (const [code, language] of parent.bundle.content.languages) {
    if (language.status === "beta") continue;
    keyboard.text(language.name, encodeCallback({ type: "language", lang: code }));
    if (++inRow % 2 === 0) keyboard.row();
  }
  await ctx.api.sendMessage(ctx.chat!.id, common(ctx, "language.prompt"), {
    parse_mode: "HTML",
    reply_markup: keyboard,
  });
}

/**
 * First contact: say plainly that this is an automated assistant, not a person and not an office
 * decision, with the one-line privacy summary. Returns the message to send first (once per chat).
 */
export function welcome(ctx: BotContext): ChatMessage[] {
  const parent = parentOf(ctx);
  if (parent.session.w === 1) return [];
  parent.session.w = 1;
  return [{ html: `${common(ctx, "welcome")}\n\n${common(ctx, "privacy.summary")}`, buttons: [] }];
}
