/**
 * Telegram's HTML parse mode: the tags and entities it accepts, and the length it counts.
 * https://core.telegram.org/bots/api#html-style
 */

/** Tags Telegram accepts, with the attributes each may carry. */
const ALLOWED_TAGS: Record<string, readonly string[]> = {
  b: [],
  strong: [],
  i: [],
  em: [],
  u: [],
  ins: [],
  s: [],
  strike: [],
  del: [],
  a: ["href"],
  code: ["class"],
  pre: [],
  blockquote: ["expandable"],
  "tg-spoiler": [],
  span: ["class"],
  "tg-emoji": ["emoji-id"],
};

const TOKEN =
  /<\/?([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:="[^"]*"|='[^']*')?)*)\s*\/?>|<|>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);?|&/g;
const NAMED_ENTITIES = new Set(["lt", "gt", "amp", "quot"]);

export interface HtmlProblem {
  readonly message: string;
  readonly hint: string;
}

/** Checks a text against Telegram's HTML subset; `undefined` when Telegram would accept it. */
export function checkTelegramHtml(text: string): HtmlProblem | undefined {
  const open: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const token = match[0];
    if (token === "<" || token === ">") {
      return {
        message: `it contains a bare "${token}".`,
        hint: `Write ${token === "<" ? "&lt;" : "&gt;"} for the character, or close the tag.`,
      };
    }
    if (token.startsWith("&")) {
      const name = /^&([a-zA-Z]+);$/.exec(token)?.[1];
      if (token === "&" || !token.endsWith(";")) {
        return {
          message: 'it contains a bare "&".',
          hint: 'Write "&amp;" for the character &, or "und".',
        };
      }
      if (name !== undefined && !NAMED_ENTITIES.has(name)) {
        return {
          message: `it uses the entity ${token}, which Telegram does not know.`,
          hint: "Type the character itself; only &lt; &gt; &amp; &quot; are allowed.",
        };
      }
      continue;
    }
    const tag = match[1]!.toLowerCase();
    const allowed = ALLOWED_TAGS[tag];
    if (allowed === undefined) {
      return {
        message: `it uses <${tag}>, which Telegram does not show.`,
        hint:
          tag === "br" || tag === "p"
            ? "Use a line break (\\n) or an empty line (\\n\\n) instead."
            : tag === "ul" || tag === "li" || tag === "ol"
              ? 'Write list items as lines starting with "• ".'
              : "Allowed: <b>, <i>, <u>, <s>, <a href>, <code>, <pre>, <blockquote>, <tg-spoiler>.",
      };
    }
    if (token.startsWith("</")) {
      const last = open.pop();
      if (last !== tag) {
        return {
          message:
            last === undefined
              ? `</${tag}> closes a tag that was never opened.`
              : `</${tag}> closes a tag, but <${last}> is still open.`,
          hint: "Every tag must be closed in reverse order: <b><i>…</i></b>.",
        };
      }
      continue;
    }
    const attributes = [...(match[2] ?? "").matchAll(/([a-zA-Z-]+)(?:=(?:"[^"]*"|'[^']*'))?/g)].map(
      (a) => a[1]!.toLowerCase(),
    );
    const unknown = attributes.find((a) => !allowed.includes(a));
    if (unknown !== undefined) {
      return {
        message: `<${tag}> has the attribute "${unknown}", which Telegram does not accept.`,
        hint: "Remove it.",
      };
    }
    if (tag === "a" && !/href="https?:\/\/[^"]+"|href="tg:\/\/[^"]+"/.test(token)) {
      return {
        message: 'a link <a> needs an address: <a href="https://…">text</a>.',
        hint: "Add the full address starting with https://.",
      };
    }
    if (!token.endsWith("/>")) open.push(tag);
  }
  if (open.length > 0) {
    return {
      message: `<${open.at(-1)}> is opened but never closed.`,
      hint: `Add </${open.at(-1)}> where it should end.`,
    };
  }
  return undefined;
}

/** The tags of a text as a sorted list (`b`, `b`, `i`), to compare a translation with its source. */
export function tagsOf(text: string): string[] {
  return [...text.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)[\s>/]/g)]
    .map((m) => m[1]!.toLowerCase())
    .sort();
}

/** The length Telegram counts: the text without tags, entities as one character (UTF-16 units). */
export function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, "").replace(/&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);/g, "_").length;
}

/** The plain text of Telegram HTML, as a parent reads it: tags removed, entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-fA-F]+);/g, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&amp;/g, "&");
}
