/** A parent in Telegram, end to end: the real bot, real Redis, the Bot API emulator. */
import { describe, expect, it } from "vitest";
import { newUserId, Parent, botForFile } from "../support/bot-harness.js";

const bot = botForFile();

describe("a German parent", () => {
  it("gets the welcome with the assistant notice, the privacy summary and the menu", async () => {
    const parent = new Parent(bot().emulator, { id: newUserId(), language_code: "de" });
    const replies = await parent.say("/start");
    expect(replies[0]).toContain("automatischer Assistent");
    expect(replies[0]).toContain("kein Mensch und keine Behörde");
    expect(replies[0]).toContain("/privacy");
    expect(replies.at(-1)).toContain("Wobei kann ich dir helfen?");
    const labels = parent.messages.at(-1)!.reply_markup!.inline_keyboard as Array<
      Array<{ text: string }>
    >;
    expect(labels.flat().map((b) => b.text)).toEqual([
      "👶 Kinderbetreuung (Kita)",
      "🎓 Ausbildung in Teilzeit und Arbeit",
      "💶 Geld und Unterstützung",
      "🏢 Wohin gehen? Was mitbringen?",
      "🙋 Mit einer Person sprechen",
      "🌐 Sprache / Language",
    ]);
  });

  it("walks the childcare topic by buttons and typing, and sees the legal basis", async () => {
    const parent = new Parent(bot().emulator, { id: newUserId(), language_code: "de-DE" });
    await parent.say("/start");
    expect((await parent.tap("Kinderbetreuung")).join("\n")).toContain("Was möchtest du wissen?");
    expect((await parent.tap("Anspruch auf einen Platz")).join("\n")).toContain(
      "Wie alt ist dein Kind?",
    );
    expect(await parent.say("zwei")).toEqual(["Bitte schreib eine Zahl von 0 bis 17."]);
    const answer = (await parent.say("2")).join("\n");
    expect(answer).toContain("Rechtsgrundlage: § 24 Abs. 2 SGB VIII");
    expect(answer).toMatch(/Stand: \d\d\.\d\d\.\d{4}/);
    expect((await parent.tap("Zurück")).join("\n")).toContain("Wie alt ist dein Kind?");
  });

  it("walks every topic of the main menu to an answer with its legal basis", async () => {
    const parent = new Parent(bot().emulator, { id: newUserId(), language_code: "de" });
    await parent.say("/start");
    for (const topic of [
      "Kinderbetreuung",
      "Ausbildung in Teilzeit",
      "Geld und Unterstützung",
      "Wohin gehen?",
    ]) {
      await parent.say("/menu");
      let shown = (await parent.tap(topic)).join("\n");
      // Follow the first button of each menu until an answer shows its legal basis.
      for (let depth = 0; depth < 4 && !shown.includes("Rechtsgrundlage"); depth++) {
        const keyboard = parent.messages.at(-1)!.reply_markup!.inline_keyboard as Array<
          Array<{ text: string }>
        >;
        shown = (await parent.tap(keyboard[0]![0]!.text)).join("\n");
        if (shown.includes("Wie alt")) shown = (await parent.say("4")).join("\n");
        if (shown.includes("Wie viele")) shown = (await parent.say("1")).join("\n");
      }
      expect(shown, topic).toMatch(/Rechtsgrundlage: .*(SGB|BKGG|EStG|BBiG|KiBiz)/);
    }
  });

  it("registers localized commands and descriptions", () => {
    expect(
      bot()
        .emulator.commands.get("de")
        ?.map((c) => c.command),
    ).toEqual([
      "start",
      "menu",
      "back",
      "language",
      "help",
      "privacy",
      "delete",
      "person",
      "cancel",
    ]);
    expect(
      bot()
        .emulator.commands.get("en")
        ?.find((c) => c.command === "delete")?.description,
    ).toBe("Delete all my data");
    expect(bot().emulator.callsOf("setMyDescription").length).toBeGreaterThanOrEqual(3);
  });
});

describe("an English parent", () => {
  it("is answered in English and walks the money topic to Kindergeld", async () => {
    const parent = new Parent(bot().emulator, { id: newUserId(), language_code: "en" });
    const replies = await parent.say("/start");
    expect(replies[0]).toContain("automated assistant");
    expect((await parent.tap("Money and support")).join("\n")).toContain("Money");
    await parent.tap("Child benefit");
    const keyboard = parent.messages.at(-1)!.reply_markup!.inline_keyboard as Array<
      Array<{ text: string }>
    >;
    const shown = (await parent.tap(keyboard[0]![0]!.text)).join("\n");
    expect(shown).toMatch(/Legal basis: .*(EStG|BKGG)/);
    expect(shown).toMatch(/As of \d{1,2} \w{3} \d{4}/);
  });

  it("opens a topic from a deep link", async () => {
    const parent = new Parent(bot().emulator, { id: newUserId(), language_code: "en" });
    const replies = await parent.say("/start money");
    expect(replies.at(-1)).toContain("Money");
  });
});
