/**
 * Engine outputs → chat messages (Telegram-HTML text and button rows), in one language. Shared by
 * every channel: the Telegram renderer maps button actions to callback data, the transcript tests
 * and the playground use the messages as they are.
 */
import type { InvalidReason, Output, StepRef } from "../engine/types.js";
import type { CommonKey } from "../i18n/common-keys.js";
import type { Texts } from "../i18n/texts.js";
import { visibleLength } from "../telegram-api/html.js";

/** Telegram's limit for one message, in characters after entity parsing. */
export const TELEGRAM_TEXT_LIMIT = 4096;

/** What a button does when tapped: an engine input, or a navigation command. */
export type ButtonAction =
  | { type: "choose"; step: StepRef; index: number }
  | { type: "back" }
  | { type: "menu" }
  | { type: "person" }
  | { type: "languages" }
  /** Opens a step directly ("Did you mean …?" after a typed question). */
  | { type: "jump"; step: StepRef };

export interface ComposeOptions {
  /**
   * A person can take over (the handoff desk runs): menus offer "talk to a person", and a handoff
   * step shows its text while the request form follows. Otherwise it says no person is available.
   */
  readonly person?: boolean;
}

export interface ChatButton {
  readonly label: string;
  readonly action: ButtonAction;
}

export interface ChatMessage {
  /** Telegram HTML. */
  readonly html: string;
  /** Rows of buttons under the message. */
  readonly buttons: readonly (readonly ChatButton[])[];
}

const INVALID_KEYS: Record<InvalidReason["kind"], CommonKey> = {
  integer: "invalid.integer",
  yesno: "invalid.yesno",
  oneof: "invalid.oneof",
  text_empty: "invalid.text_empty",
  text_too_long: "invalid.text_too_long",
  postcode: "invalid.postcode",
};

function withFooter(texts: Texts, lang: string, body: string, facts: readonly string[]): string {
  const footer = texts.legalFooter(lang, facts);
  return footer ? `${body}\n\n${footer}` : body;
}

function navRow(texts: Texts, lang: string, back: boolean, menu: boolean): ChatButton[] {
  const row: ChatButton[] = [];
  if (back) row.push({ label: texts.common(lang, "nav.back"), action: { type: "back" } });
  if (menu) row.push({ label: texts.common(lang, "nav.menu"), action: { type: "menu" } });
  return row;
}

function rows(...candidates: ChatButton[][]): ChatButton[][] {
  return candidates.filter((row) => row.length > 0);
}

/**
 * A message without buttons is joined to the message after it (an answer with the menu below it, a
 * notice with the menu it announces): fewer messages to read, and fewer to send under Telegram's
 * per-chat limit. A pair that would not fit into one Telegram message stays apart.
 */
export function joinTextOnly(messages: readonly ChatMessage[]): ChatMessage[] {
  const joined: ChatMessage[] = [];
  for (const message of messages) {
    const previous = joined.at(-1);
    const html = previous ? `${previous.html}\n\n${message.html}` : "";
    if (
      previous &&
      previous.buttons.length === 0 &&
      (html.length <= TELEGRAM_TEXT_LIMIT || visibleLength(html) <= TELEGRAM_TEXT_LIMIT)
    ) {
      joined[joined.length - 1] = { html, buttons: message.buttons };
    } else {
      joined.push(message);
    }
  }
  return joined;
}

/** Composes the messages for one turn's outputs. */
export function composeMessages(
  texts: Texts,
  lang: string,
  outputs: readonly Output[],
  options: ComposeOptions = {},
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  const plain = (html: string, buttons: ChatButton[][] = []) => messages.push({ html, buttons });

  for (const output of outputs) {
    switch (output.type) {
      case "say":
        plain(withFooter(texts, lang, texts.text(lang, output.text, output.vars), output.facts));
        break;
      case "choices": {
        const buttons = output.buttons.map((b) => [
          {
            label: texts.text(lang, b.label),
            action: { type: "choose", step: output.step, index: b.index } as const,
          },
        ]);
        plain(
          withFooter(texts, lang, texts.text(lang, output.text, output.vars), output.facts),
          rows(
            ...buttons,
            // Unless the menu has a "person" choice of its own.
            options.person && !output.offersPerson
              ? [{ label: texts.common(lang, "nav.person"), action: { type: "person" } }]
              : [],
            // The language can be changed from the main menu at any time (and with /language).
            output.isMain
              ? [{ label: texts.common(lang, "nav.language"), action: { type: "languages" } }]
              : [],
            navRow(texts, lang, output.canGoBack, !output.isMain),
          ),
        );
        break;
      }
      case "ask": {
        const options = output.buttons.map((b) => ({
          label: texts.text(lang, b.label),
          action: { type: "choose", step: output.step, index: b.index } as const,
        }));
        // Yes and No side by side; longer options one per row.
        const optionRows = output.answer.type === "yesno" ? [options] : options.map((o) => [o]);
        plain(
          withFooter(texts, lang, texts.text(lang, output.text, output.vars), output.facts),
          rows(...optionRows, navRow(texts, lang, output.canGoBack, true)),
        );
        break;
      }
      case "invalid": {
        const { kind, ...vars } = output.reason;
        plain(texts.common(lang, INVALID_KEYS[kind], vars));
        break;
      }
      case "handoff":
        if (texts.has(lang, output.text)) plain(texts.text(lang, output.text, output.vars));
        if (!options.person)
          plain(texts.common(lang, "handoff.offline"), rows(navRow(texts, lang, true, true)));
        break;
      case "end": {
        const body = texts.has(lang, output.text)
          ? texts.text(lang, output.text, output.vars)
          : texts.common(lang, "end.default");
        plain(withFooter(texts, lang, body, output.facts), rows(navRow(texts, lang, false, true)));
        break;
      }
      case "search":
        plain(texts.common(lang, "search.fallback"), rows(navRow(texts, lang, false, true)));
        break;
      case "notice":
        plain(texts.common(lang, `notice.${output.notice}`));
        break;
      default: {
        const _exhaustive: never = output;
        return _exhaustive;
      }
    }
  }
  return joinTextOnly(messages);
}
