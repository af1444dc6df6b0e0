/**
 * Transcript tests: readable dialogues in test/transcripts/*.yaml, run over the real flows and texts.
 *
 *   lang: de
 *   dialogue:
 *     - user: /start          # /start, /menu, /back, /restart, or typed text
 *     - bot: Wobei kann ich   # text(s) the bot's replies since the last turn must contain
 *     - tap: Kinderbetreuung  # tap the button whose label contains this text
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import type { Input } from "../src/engine/types.js";
import { loadContent, type Content } from "../src/flow-files/load.js";
import { checkTelegramHtml, htmlToText, visibleLength } from "../src/telegram-api/html.js";
import { createTexts, type Texts } from "../src/i18n/texts.js";
import { composeMessages, type ButtonAction, type ChatMessage } from "../src/render/compose.js";
import { createSession, REPO_ROOT } from "./factories.js";

const turnSchema = z.union([
  z.strictObject({ user: z.union([z.string(), z.number()]).transform(String) }),
  z.strictObject({ tap: z.string() }),
  z.strictObject({ bot: z.union([z.string(), z.array(z.string())]) }),
]);
const transcriptSchema = z.strictObject({
  lang: z.string(),
  name: z.string().optional(),
  dialogue: z.array(turnSchema).min(1),
});
type Transcript = z.infer<typeof transcriptSchema>;

const DIR = join(REPO_ROOT, "test", "transcripts");
const files = (await readdir(DIR)).filter((f) => f.endsWith(".yaml")).sort();
const transcripts: Array<{ file: string; index: number; transcript: Transcript }> = [];
for (const file of files) {
  const docs = parseAllDocuments(await readFile(join(DIR, file), "utf8"));
  for (const [index, doc] of (Array.isArray(docs) ? docs : [docs]).entries()) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    transcripts.push({ file, index, transcript: transcriptSchema.parse(doc.toJS()) });
  }
}

function commandInput(text: string): Input {
  switch (text.trim()) {
    case "/start":
    case "/menu":
      return { type: "start" };
    case "/back":
      return { type: "back" };
    case "/restart":
      return { type: "restart" };
    default:
      return { type: "text", value: text };
  }
}

function actionInput(action: ButtonAction): Input {
  return action.type === "choose"
    ? action
    : action.type === "back"
      ? { type: "back" }
      : { type: "start" };
}

let content: Content;
let texts: Texts;

beforeAll(async () => {
  const loaded = await loadContent(REPO_ROOT);
  expect(loaded.problems.filter((p) => p.severity === "error")).toEqual([]);
  content = loaded.content;
  texts = createTexts(content);
});

describe("transcripts", () => {
  it("there is at least one transcript per topic and language", () => {
    const topics = [...new Set(files.map((f) => f.split(".")[0]))];
    expect(topics).toEqual(expect.arrayContaining(["childcare", "money", "training", "where"]));
    for (const topic of topics) {
      expect(files).toEqual(expect.arrayContaining([`${topic}.de.yaml`, `${topic}.en.yaml`]));
    }
  });

  for (const { file, index, transcript } of transcripts) {
    it(`${file} #${index + 1}${transcript.name ? `: ${transcript.name}` : ""}`, () => {
      const session = createSession(content.flows);
      let replies: ChatMessage[] = [];
      let lastButtons: ChatMessage[] = [];
      const run = (input: Input) => {
        replies = composeMessages(texts, transcript.lang, session.send(input));
        for (const message of replies) {
          expect(checkTelegramHtml(message.html), message.html).toBeUndefined();
          expect(visibleLength(message.html)).toBeLessThanOrEqual(4096);
        }
        if (replies.some((m) => m.buttons.length > 0)) lastButtons = replies;
      };

      for (const [turnIndex, turn] of transcript.dialogue.entries()) {
        const where = `${file} #${index + 1}, turn ${turnIndex + 1}`;
        if ("user" in turn) {
          run(commandInput(turn.user));
        } else if ("tap" in turn) {
          const buttons = lastButtons.flatMap((m) => m.buttons.flat());
          const matches = buttons.filter((b) => b.label.includes(turn.tap));
          expect(
            matches.length,
            `${where}: expected one button containing "${turn.tap}", buttons: ${buttons.map((b) => `"${b.label}"`).join(", ")}`,
          ).toBe(1);
          run(actionInput(matches[0]!.action));
        } else {
          const shown = replies.map((m) => htmlToText(m.html)).join("\n---\n");
          for (const expected of Array.isArray(turn.bot) ? turn.bot : [turn.bot]) {
            expect(shown, `${where}: the bot's reply should contain "${expected}"`).toContain(
              expected,
            );
          }
        }
      }
    });
  }
});
