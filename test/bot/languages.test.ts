/**
 * Every shipped language, end to end: a parent whose Telegram speaks it is answered in it from the
 * first message, can walk a topic to an answer with its legal basis, and can switch mid-flow
 * without losing the place. Languages are told apart by their own letters, not only their script.
 */
import { describe, expect, it } from "vitest";
import { matchLanguage, negotiateLanguage } from "../../src/i18n/negotiate.js";
import type { StoredMessage } from "../../src/telegram-api/emulator.js";
import {
  buttonsOf,
  newUserId,
  Parent,
  textOf,
  botForFile,
  LANGUAGE_BUTTONS,
} from "../support/bot-harness.js";

const bot = botForFile();

const CYRILLIC = /\p{Script=Cyrillic}/u;
const ARABIC = /\p{Script=Arabic}/u;

/** How each language shows itself: letters of its own, and letters it never uses. */
const LANGUAGES: Array<{
  code: string;
  telegram: string;
  is: RegExp;
  isNot: RegExp;
}> = [
  { code: "en", telegram: "en-US", is: /\b(the|you|your)\b/i, isNot: /[äöüß]|\b(und|der|die)\b/ },
  { code: "uk", telegram: "uk", is: /[іїєґ]/, isNot: /[ыэъё]/ },
  { code: "ru", telegram: "ru-RU", is: /[ыэъё]/, isNot: /[іїєґ]/ },
  { code: "ar", telegram: "ar-SY", is: /[ةى]/, isNot: /[پچژگ]/ },
  { code: "tr", telegram: "tr", is: /[ğşıİ]/, isNot: /[äöüß]\w*\s(und|der)\b/ },
  { code: "fa", telegram: "fa-AF", is: /[پچژگ]/, isNot: /[ةى]/ },
];

/** The text without the Latin fragments a translation keeps on purpose (Kita, § 24 SGB VIII, …). */
function ownScript(code: string, text: string): string {
  if (code === "uk" || code === "ru") return text.match(CYRILLIC) ? text : "";
  if (code === "ar" || code === "fa") return text.match(ARABIC) ? text : "";
  return text;
}

/** Taps the button at `index` (counting every button of the message, row by row). */
async function tapAt(parent: Parent, message: StoredMessage, index: number): Promise<string[]> {
  const button = buttonsOf(message)[index];
  if (!button) throw new Error(`no button ${index}`);
  parent.replies();
  await bot().emulator.tap(parent.user, message, button.callback_data);
  return parent.replies().map(textOf);
}

describe("negotiating the language", () => {
  const shipped = new Set(["de", "de-simple", "en", "uk", "ru", "ar", "tr", "fa"]);

  it.each([
    ["uk-UA", "uk"],
    ["uk", "uk"],
    ["ua", "uk"],
    ["ru-RU", "ru"],
    ["ru-UA", "ru"],
    ["ru_KZ", "ru"],
    ["ar-SY", "ar"],
    ["ar-IQ", "ar"],
    ["fa-AF", "fa"],
    ["fa-IR", "fa"],
    ["prs", "fa"],
    ["prs-AF", "fa"],
    ["tr-TR", "tr"],
    ["en-GB", "en"],
    ["de-AT", "de"],
    ["pl", undefined],
    ["ku", undefined],
    [undefined, undefined],
  ])("Telegram's %s → %s", (code, expected) => {
    expect(matchLanguage(code, shipped)).toBe(expected);
  });

  it("prefers the parent's choice, then Telegram's language, then the default; asks when nothing fits", () => {
    expect(negotiateLanguage("de-simple", "uk", shipped, "de")).toEqual({
      lang: "de-simple",
      ask: false,
    });
    expect(negotiateLanguage(undefined, "uk-UA", shipped, "de")).toEqual({
      lang: "uk",
      ask: false,
    });
    expect(negotiateLanguage("xx", "pl", shipped, "de")).toEqual({ lang: "de", ask: true });
    expect(negotiateLanguage(undefined, undefined, shipped, "de")).toEqual({
      lang: "de",
      ask: false,
    });
  });
});

describe.each(LANGUAGES)(
  "a parent whose Telegram speaks $code",
  ({ code, telegram, is, isNot }) => {
    it("is welcomed and shown the menu in that language from the first message", async () => {
      const parent = new Parent(bot().emulator, { id: newUserId(), language_code: telegram });
      const replies = (await parent.say("/start")).join("\n");
      const own = ownScript(code, replies);
      expect(own).toMatch(is);
      expect(own).not.toMatch(isNot);
      // The AI notice names /privacy, and the menu has the topics plus the language button.
      expect(replies).toContain("/privacy");
      const labels = buttonsOf(parent.messages.at(-1)!).map((b) => b.text);
      expect(labels).toHaveLength(6);
      expect(labels.at(-1)).toMatch(/^🌐 /);
    });

    it("has the commands and the bot's description registered in that language", () => {
      const commands = bot().emulator.commands.get(code);
      expect(commands?.map((c) => c.command)).toContain("language");
      expect(ownScript(code, commands!.map((c) => c.description).join(" "))).not.toBe("");
      const description = bot()
        .emulator.callsOf("setMyDescription")
        .find((c) => c.params.language_code === code);
      expect(ownScript(code, String(description?.params.description))).toMatch(is);
    });

    it("walks the childcare topic to the answer with its legal basis, and switches language mid-flow", async () => {
      const parent = new Parent(bot().emulator, { id: newUserId(), language_code: telegram });
      await parent.say("/start");
      await tapAt(parent, parent.messages.at(-1)!, 0); // childcare
      const question = (await tapAt(parent, parent.messages.at(-1)!, 0)).join("\n"); // right to a place
      expect(ownScript(code, question)).toMatch(is);
      const answer = (await parent.say("2")).join("\n");
      expect(answer).toContain("§ 24 Abs. 2 SGB VIII");
      expect(ownScript(code, answer)).toMatch(is);

      // Back to the age question, then switch to German: the same question, in German.
      await parent.say("/back");
      expect(textOf(parent.messages.at(-1)!)).toBe(question);
      await parent.say("/language");
      const picker = parent.messages.at(-1)!;
      const german = buttonsOf(picker).findIndex((b) => b.text === "Deutsch");
      const switched = (await tapAt(parent, picker, german)).join("\n");
      expect(switched).toContain("Wie alt ist dein Kind?");
      // The place and the answers are kept: typing the age goes on from there.
      expect((await parent.say("2")).join("\n")).toContain("Rechtsgrundlage: § 24 Abs. 2 SGB VIII");
    });
  },
);

describe("Einfach Deutsch", () => {
  it("is offered by the main menu's language button and speaks in short sentences", async () => {
    const parent = new Parent(bot().emulator, { id: newUserId(), language_code: "de" });
    await parent.say("/start");
    await parent.tap("Kinderbetreuung");
    await parent.tap("Anspruch auf einen Platz");
    await parent.say("/menu");
    await parent.tap("🌐");
    const picker = parent.messages.at(-1)!;
    expect(buttonsOf(picker).map((b) => b.text)).toEqual(LANGUAGE_BUTTONS);
    const menu = (await parent.tap("Einfach Deutsch")).join("\n");
    expect(menu).toMatch(/^✅ /);
    // Short sentences: no sentence of the menu text is longer than 15 words.
    for (const sentence of menu.split(/[.!?\n]+/))
      expect(sentence.trim().split(/\s+/).length).toBeLessThanOrEqual(15);
  });
});
