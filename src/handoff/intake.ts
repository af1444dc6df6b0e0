/**
 * The intake before a case is opened (@grammyjs/conversations): consent naming the office and the
 * data passed on → topic (preselected from where the parent is) → whether to share the answers
 * from the flows → a short message → how to be contacted (a phone number only for a call-back) →
 * a summary to send or change. "No" and "Cancel" are possible at every step; nothing leaves the
 * chat before "Send".
 *
 * The conversation is replayed on every update, so all effects outside Telegram (opening the case)
 * run in `conversation.external`. Its state is stored in the parent's session (see session-gate).
 */
import type { Conversation } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import { OFFICES_NS, officeFor, regionOf, type Office } from "../flow-files/offices.js";
import type { CommonKey } from "../i18n/common-keys.js";
import { escapeHtml } from "../i18n/texts.js";
import type { ContentBundle, ContentSource } from "../bot/content-bundle.js";
import type { BotContext } from "../bot/context.js";
import { describeHours } from "./hours.js";
import type { Contact } from "./case-store.js";

export const INTAKE = "intake";
/** Callback data of the intake's buttons; only the running intake reads them. */
export const INTAKE_PREFIX = "1i";
export const MAX_MESSAGE = 1000;
/** Wrong inputs in a row after which the intake ends (a bound on the stored replay log). */
const MAX_TRIES = 6;

export type Scalar = string | number | boolean;

export interface IntakeArgs {
  readonly lang: string;
  readonly topic: string;
  /** A service named by the flow's handoff step (overrides the topic's office). */
  readonly service?: string;
  readonly path: string[];
  readonly answers: Record<string, Scalar>;
}

export interface IntakeResult {
  readonly office: string;
  readonly topic: string;
  readonly message: string;
  readonly contact: Contact;
  readonly phone?: string;
  readonly answers: Record<string, Scalar>;
  readonly lang: string;
  readonly path: string[];
}

export interface IntakeDeps {
  readonly content: ContentSource;
  /** The group of an office, or undefined when none is configured. */
  readonly groupOf: (office: Office) => number | undefined;
  /** Opens the case and tells the parent; runs once, with the outside context. */
  readonly open: (ctx: BotContext, request: IntakeResult) => Promise<string>;
}

/** German and international phone numbers: +49 151 …, 0151 …, 0049 …; 6 to 15 digits. */
export function normalizePhone(input: string): string | undefined {
  const compact = input.replace(/[\s()./-]/g, "");
  if (!/^(\+|00)?\d{6,15}$/.test(compact)) return undefined;
  if (!compact.startsWith("+") && !compact.startsWith("0")) return undefined;
  return compact.startsWith("00") ? `+${compact.slice(2)}` : compact;
}

type Row = Array<[label: string, data: string]>;

/** How to reach an office without the chat: its phone, address and hours, in the parent's language. */
export function officeContacts(
  bundle: ContentBundle,
  lang: string,
  office: Office,
): Record<string, string> {
  const intl = bundle.content.languages.get(lang)?.intl ?? "de-DE";
  return {
    office: office.name,
    address: office.address,
    phone: office.phone,
    hours: describeHours(office, intl),
  };
}

export function createIntake(deps: IntakeDeps) {
  return async function intake(
    conversation: Conversation<BotContext, Context>,
    ctx: Context,
    args: IntakeArgs,
  ): Promise<void> {
    const chatId = ctx.chatId!;
    const bundle = deps.content.current();
    const offices = bundle.content.offices;
    const t = (key: CommonKey, vars?: Record<string, string | number>) =>
      bundle.texts.common(args.lang, key, vars);
    const button = (key: CommonKey, code: string): [string, string] => [
      t(key),
      INTAKE_PREFIX + code,
    ];
    const menuRow: Row = [[t("nav.menu"), "1m"]];
    const send = async (html: string, rows: Row[] = []) => {
      const inline_keyboard: InlineKeyboardButton[][] = rows.map((row) =>
        row.map(([text, callback_data]) => ({ text, callback_data })),
      );
      await ctx.api.sendMessage(chatId, html, {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(inline_keyboard.length > 0 && { reply_markup: { inline_keyboard } }),
      });
    };
    const contacts = (office: Office) => officeContacts(bundle, args.lang, office);
    const quit = async (): Promise<never> => {
      await send(t("handoff.cancelled"), [menuRow]);
      return conversation.halt();
    };

    /** Waits for one of `rows`' buttons, or for text when `text` is set. */
    async function ask(
      html: string,
      rows: Row[],
      text?: "text",
    ): Promise<{ code?: string; text?: string }> {
      await send(html, [...rows, [button("handoff.cancel", "q")]]);
      const codes = new Set(rows.flat().map(([, data]) => data));
      for (let tries = 0; ; tries++) {
        const next = await conversation.wait();
        const data = next.callbackQuery?.data;
        if (data !== undefined) {
          if (!data.startsWith(INTAKE_PREFIX)) {
            // A button from outside the form (a menu, a language): leave the form for it.
            await conversation.halt({ next: true });
          }
          await next.answerCallbackQuery();
          if (data === `${INTAKE_PREFIX}q`) return quit();
          if (codes.has(data)) return { code: data.slice(INTAKE_PREFIX.length) };
        } else if (next.message?.text?.startsWith("/")) {
          // A command (/cancel, /menu, /help …) leaves the form and runs as usual.
          await conversation.halt({ next: true });
        } else if (text && next.message?.text !== undefined) {
          return { text: next.message.text };
        }
        if (tries >= MAX_TRIES) return quit();
        await send(text ? t("handoff.text_only") : t("handoff.use_buttons"));
      }
    }

    if (!offices || !offices.topics[args.topic]) {
      await send(t("handoff.offline"), [menuRow]);
      return;
    }
    let topic = args.topic;
    let region: string | undefined;
    if (Object.keys(offices.regions).length > 1) {
      for (let tries = 0; region === undefined; tries++) {
        if (tries >= MAX_TRIES) return quit();
        const answer = await ask(
          t(tries ? "handoff.region_unknown" : "handoff.region_prompt"),
          [],
          "text",
        );
        region = regionOf(offices, answer.text ?? "");
      }
    }
    const officeOf = (service: string) => officeFor(offices, service, region);
    let office = officeOf(args.service ?? offices.topics[topic]!.office);
    if (!office) {
      await send(t("handoff.offline"), [menuRow]);
      return;
    }

    const consent = async (to: Office): Promise<void> => {
      // An office that takes no requests in Telegram: its contacts, without asking anything.
      if (deps.groupOf(to) === undefined) {
        await send(t("handoff.unavailable", contacts(to)), [menuRow]);
        return conversation.halt();
      }
      for (;;) {
        const answer = await ask(t("handoff.consent", { office: to.name }), [
          [button("handoff.consent_yes", "y"), button("handoff.consent_no", "n")],
        ]);
        if (answer.code === "n") {
          await send(t("handoff.declined", contacts(to)), [menuRow]);
          return conversation.halt();
        }
        return;
      }
    };
    await consent(office);

    // The topic, preselected; another office for another topic needs its own consent.
    const topics = Object.keys(offices.topics);
    const topicName = (id: string) =>
      bundle.texts.text(args.lang, { ns: OFFICES_NS, key: `topic.${id}` });
    const topicRows: Row[] = [topic, ...topics.filter((id) => id !== topic)].map((id) => [
      [`${id === topic ? "✓ " : ""}${topicName(id)}`, `${INTAKE_PREFIX}t${topics.indexOf(id)}`],
    ]);
    const picked = await ask(t("handoff.topic_prompt", { topic: topicName(topic) }), topicRows);
    topic = topics[Number(picked.code!.slice(1))] ?? topic;
    if (topic !== args.topic && !args.service) {
      const other = officeOf(offices.topics[topic]!.office);
      if (other && other.id !== office.id) {
        office = other;
        await consent(office);
      }
    }

    let answers: Record<string, Scalar> = {};
    const answerLines = Object.entries(args.answers)
      .map(([key, value]) => `• ${escapeHtml(key)}: ${escapeHtml(String(value))}`)
      .join("\n");
    if (answerLines) {
      const share = await ask(t("handoff.share_prompt", { answers: "" }) + answerLines, [
        [button("handoff.share_yes", "sy"), button("handoff.share_no", "sn")],
      ]);
      if (share.code === "sy") answers = args.answers;
    }

    const askMessage = async (): Promise<string> => {
      let prompt = t("handoff.message_prompt", { max: MAX_MESSAGE });
      for (let tries = 0; tries < MAX_TRIES; tries++) {
        const answer = (await ask(prompt, [], "text")).text!.trim();
        if (answer.length > 0 && answer.length <= MAX_MESSAGE) return answer;
        prompt = t("handoff.message_too_long", { max: MAX_MESSAGE, length: answer.length });
      }
      return quit();
    };
    const askContact = async (): Promise<{ contact: Contact; phone?: string }> => {
      const answer = await ask(t("handoff.contact_prompt"), [
        [button("handoff.contact.chat", "cchat")],
        [button("handoff.contact.phone", "cphone")],
        [button("handoff.contact.office", "coffice")],
      ]);
      const contact = answer.code!.slice(1) as Contact;
      if (contact !== "phone") return { contact };
      let prompt = t("handoff.phone_prompt");
      for (let tries = 0; tries < MAX_TRIES; tries++) {
        const phone = normalizePhone((await ask(prompt, [], "text")).text!);
        if (phone) return { contact, phone };
        prompt = t("handoff.phone_invalid");
      }
      return quit();
    };

    let message = await askMessage();
    let contact = await askContact();
    for (;;) {
      const contactText =
        t(`handoff.contact.${contact.contact}`) + (contact.phone ? ` (${contact.phone})` : "");
      const summary = await ask(
        t("handoff.summary", {
          office: office.name,
          topic: topicName(topic),
          message,
          contact: contactText,
          shared: Object.keys(answers).length ? t("answer.yes") : t("answer.no"),
        }),
        [
          [button("handoff.send", "s")],
          [button("handoff.change_message", "m"), button("handoff.change_contact", "k")],
        ],
      );
      if (summary.code === "m") message = await askMessage();
      else if (summary.code === "k") contact = await askContact();
      else break;
    }

    const request: IntakeResult = {
      office: office.id,
      topic,
      message,
      ...contact,
      answers,
      lang: args.lang,
      path: args.path,
    };
    const confirmation = await conversation.external((outside) => deps.open(outside, request));
    await send(confirmation);
  };
}
