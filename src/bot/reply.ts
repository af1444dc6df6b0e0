/** Talking to the parent: run the engine, compose, send; and the fixed texts around the flows. */
import { InlineKeyboard } from "grammy";
import { advance } from "../engine/advance.js";
import type { Input } from "../engine/types.js";
import type { CommonKey } from "../i18n/common-keys.js";
import {
  composeMessages,
  joinTextOnly,
  type ChatButton,
  type ChatMessage,
} from "../render/compose.js";
import { EMERGENCY_STEP } from "../search/emergency.js";
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
  firstRow: readonly ChatButton[] = [],
): Promise<void> {
  const parent = parentOf(ctx);
  const { state, outputs } = advance(parent.bundle.content.flows, parent.session.e, input);
  parent.session.e = state;
  const question = outputs.find((o) => o.type === "search");
  if (question?.type === "search") return answerQuestion(ctx, question.query, before);
  const person = parent.startHandoff !== undefined;
  const messages = composeMessages(parent.bundle.texts, parent.lang, outputs, { person });
  if (firstRow.length > 0) {
    const at = messages.findIndex((m) => m.buttons.length > 0);
    if (at >= 0) messages[at] = { ...messages[at]!, buttons: [firstRow, ...messages[at]!.buttons] };
  }
  await sendMessages(ctx, joinTextOnly([...before, ...messages]));
  const handoff = outputs.find((o) => o.type === "handoff");
  if (handoff && parent.startHandoff) await parent.startHandoff(handoff.topic, handoff.office);
}

/** Emergency numbers at once, with a button to a person. */
export async function showEmergency(
  ctx: BotContext,
  before: readonly ChatMessage[] = [],
): Promise<void> {
  ctx.log.info({ search: "emergency" }, "emergency recognised");
  await runEngine(ctx, { type: "jump", step: EMERGENCY_STEP }, before, [
    { label: common(ctx, "nav.person"), action: { type: "person" } },
  ]);
}

/** A request for a person: the request form, or how to reach an office without it. */
export async function askForPerson(
  ctx: BotContext,
  before: readonly ChatMessage[] = [],
): Promise<void> {
  const parent = parentOf(ctx);
  if (before.length > 0) await sendMessages(ctx, joinTextOnly([...before]));
  if (parent.startHandoff) return parent.startHandoff();
  await sendCommon(ctx, "handoff.offline");
}

/**
 * A typed question that answers no open question: one clear answer is shown; several close ones
 * are offered as buttons; nothing good is said honestly, with the menu and a person. Emergencies
 * and requests for a person were recognised before (the message handler checks every text).
 */
async function answerQuestion(
  ctx: BotContext,
  question: string,
  before: readonly ChatMessage[],
): Promise<void> {
  const parent = parentOf(ctx);
  const answer =
    parent.searched?.question === question
      ? parent.searched.answer
      : parent.bundle.search.answer(parent.lang, question);
  // The kind and the step only: never the question itself.
  ctx.log.info(
    { search: answer.kind, ...(answer.kind === "answer" && { step: answer.step }) },
    "question answered",
  );
  const menu: ChatButton = { label: common(ctx, "nav.menu"), action: { type: "menu" } };
  const person: ChatButton = { label: common(ctx, "nav.person"), action: { type: "person" } };
  switch (answer.kind) {
    case "emergency":
      return showEmergency(ctx, before);
    case "person":
      return askForPerson(ctx, before);
    case "answer":
      return runEngine(ctx, { type: "jump", step: answer.step }, before);
    case "choices":
      return sendMessages(
        ctx,
        joinTextOnly([
          ...before,
          {
            html: common(ctx, "search.did_you_mean"),
            buttons: [
              ...answer.hits.map((hit) => [
                {
                  label: buttonLabel(hit.title),
                  action: { type: "jump", step: hit.step },
                } as const,
              ]),
              [menu],
            ],
          },
        ]),
      );
    case "none":
      await parent.onUnanswered?.(question);
      return sendMessages(
        ctx,
        joinTextOnly([
          ...before,
          { html: common(ctx, "search.nothing"), buttons: [[person], [menu]] },
        ]),
      );
  }
}

/** A step's heading as a button label (Telegram shows up to 64 characters; short reads better). */
function buttonLabel(title: string): string {
  const label = `🔎 ${title}`;
  return label.length <= 60 ? label : `${label.slice(0, 58).trimEnd()}…`;
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
