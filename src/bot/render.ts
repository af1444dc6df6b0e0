/**
 * Chat messages → Telegram `sendMessage` payloads: HTML parse mode, inline keyboards with compact
 * callback data, and long texts split at paragraph boundaries with their tags kept balanced.
 */
import type { InlineKeyboardMarkup } from "grammy/types";
import { visibleLength } from "../telegram-api/html.js";
import { TELEGRAM_TEXT_LIMIT, type ChatMessage } from "../render/compose.js";
import { encodeCallback } from "./callback-data.js";

export interface OutgoingText {
  readonly text: string;
  readonly reply_markup?: InlineKeyboardMarkup;
}

const TAG = /<\/?([a-zA-Z][a-zA-Z0-9-]*)[^>]*>/g;

/** Tags left open at the end of `html`, outermost first, with their opening markup. */
function openTags(html: string): Array<{ name: string; open: string }> {
  const stack: Array<{ name: string; open: string }> = [];
  for (const match of html.matchAll(TAG)) {
    const name = match[1]!.toLowerCase();
    if (match[0].startsWith("</")) {
      const index = stack.map((t) => t.name).lastIndexOf(name);
      if (index >= 0) stack.splice(index, 1);
    } else if (!match[0].endsWith("/>")) {
      stack.push({ name, open: match[0] });
    }
  }
  return stack;
}

/** Splits `text` into pieces of at most `limit` visible characters at the best boundary. */
function pack(
  parts: readonly string[],
  separator: string,
  limit: number,
  splitFurther: (part: string) => string[],
): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const part of parts) {
    const candidate = current === "" ? part : `${current}${separator}${part}`;
    if (visibleLength(candidate) <= limit) {
      current = candidate;
      continue;
    }
    if (current !== "") chunks.push(current);
    if (visibleLength(part) <= limit) {
      current = part;
    } else {
      const pieces = splitFurther(part);
      chunks.push(...pieces.slice(0, -1));
      current = pieces.at(-1) ?? "";
    }
  }
  if (current !== "") chunks.push(current);
  return chunks;
}

/** A word too long for one message: cut between characters, never inside a tag or entity. */
function cutWord(word: string, limit: number): string[] {
  const tokens = word.match(/<[^>]*>|&[#a-zA-Z0-9]+;|[\s\S]/gu) ?? [];
  const pieces: string[] = [];
  let current = "";
  for (const token of tokens) {
    if (visibleLength(current + token) > limit) {
      pieces.push(current);
      current = "";
    }
    current += token;
  }
  pieces.push(current);
  return pieces;
}

/**
 * Splits a Telegram-HTML text into messages of at most `limit` characters: at paragraphs, then
 * lines, then words. A tag open at a cut is closed there and opened again in the next message.
 */
export function splitMessage(html: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  if (html.length <= limit || visibleLength(html) <= limit) return [html];
  const byWords = (line: string) =>
    pack(line.split(/(?<=\s)(?=\S)/), "", limit, (w) => cutWord(w, limit));
  const byLines = (paragraph: string) => pack(paragraph.split("\n"), "\n", limit, byWords);
  const chunks = pack(html.split("\n\n"), "\n\n", limit, byLines);
  const balanced: string[] = [];
  let carried = "";
  for (const chunk of chunks) {
    const text = carried + chunk;
    const open = openTags(text);
    balanced.push(
      text +
        open
          .map((t) => `</${t.name}>`)
          .reverse()
          .join(""),
    );
    carried = open.map((t) => t.open).join("");
  }
  return balanced;
}

/** The payloads for one chat message: its text (split if long) and its keyboard on the last part. */
export function toOutgoing(message: ChatMessage): OutgoingText[] {
  const parts = splitMessage(message.html);
  const keyboard: InlineKeyboardMarkup | undefined =
    message.buttons.length > 0
      ? {
          inline_keyboard: message.buttons.map((row) =>
            row.map((button) => ({
              text: button.label,
              callback_data: encodeCallback(button.action),
            })),
          ),
        }
      : undefined;
  return parts.map((text, i) =>
    i === parts.length - 1 && keyboard ? { text, reply_markup: keyboard } : { text },
  );
}
