/**
 * Typed questions through the real bot: the right answer with its legal basis in the parent's
 * language, emergency numbers first, a person on request, "did you mean" buttons that work, and an
 * honest "no answer" instead of a guess. Nothing of the question reaches the logs.
 */
import { describe, expect, inject, it } from "vitest";
import {
  buttonsOf,
  newUserId,
  Parent,
  textOf,
  botForFile,
  startHarness,
} from "../support/bot-harness.js";

const bot = botForFile();

async function parentIn(lang: string): Promise<Parent> {
  const parent = new Parent(bot().emulator, { id: newUserId(), language_code: lang });
  await parent.say("/start");
  return parent;
}

describe("a typed question", () => {
  it.each([
    [
      "de",
      "Wer bezahlt die Klassenfahrt von meinem Sohn?",
      "§ 28 Abs. 2 SGB II",
      /Klassenfahrt|Ausflüge/,
    ],
    ["en", "who pays for my kid's school trip?", "§ 28 Abs. 2 SGB II", /trip/i],
    ["uk", "скільки зараз платять кіндергельд на одну дитину?", "§ 66 Abs. 1 EStG", /Kindergeld/],
    ["ru", "сколько сейчас платят детские деньги (Kindergeld)?", "§ 66 Abs. 1 EStG", /Kindergeld/],
    ["ar", "مين بيدفع رحلة المدرسة لابني؟", "§ 28 Abs. 2 SGB II", /رحل/],
    ["tr", "cocuk parasi kindergeld ne kadar", "§ 66 Abs. 1 EStG", /Kindergeld/],
  ])(
    "[%s] is answered with the right step and its legal basis",
    async (lang, question, basis, topic) => {
      const parent = await parentIn(lang);
      const replies = await parent.say(question);
      let shown = replies.join("\n");
      // Several close answers: the first "did you mean" button opens one of them.
      if (!shown.includes(basis)) {
        const choices = buttonsOf(parent.messages.at(-1)!).filter((b) => b.text.startsWith("🔎"));
        expect(choices.length, shown).toBeGreaterThan(0);
        shown = (await parent.tap(choices[0]!.text)).join("\n");
      }
      expect(shown).toMatch(topic);
      expect(shown).toContain(basis);
    },
  );

  it("in an emergency shows the emergency numbers at once, with a button to a person", async () => {
    const parent = await parentIn("uk");
    await parent.tap("Гроші"); // mid-flow: in a topic menu
    const replies = (await parent.say("чоловік б'є мене і погрожує, я боюся")).join("\n");
    expect(replies).toContain("110");
    expect(replies).toContain("116 016");
    const buttons = buttonsOf(parent.messages.at(-1)!).map((b) => b.text);
    expect(buttons[0]).toMatch(/^🙋/);
  });

  it("in the middle of a question, an emergency still comes first", async () => {
    const parent = await parentIn("de");
    await parent.tap("Kinderbetreuung");
    await parent.tap("Anspruch auf einen Platz");
    const replies = (await parent.say("mein ex bedroht mich und will mich umbringen")).join("\n");
    expect(replies).toContain("110");
    expect(replies).not.toContain("Bitte schreib eine Zahl");
  });

  it("asking for a person leads to a person (here: the office's contacts, no group is set)", async () => {
    const parent = await parentIn("de");
    const replies = (await parent.say("Ich möchte bitte mit einem echten Menschen sprechen")).join(
      "\n",
    );
    expect(replies).toContain("+49 30 1234 5");
  });

  it("offers up to three close answers as buttons that open them", async () => {
    const parent = await parentIn("de");
    await parent.say("Geld");
    const last = parent.messages.at(-1)!;
    const choices = buttonsOf(last).filter((b) => b.text.startsWith("🔎"));
    if (choices.length === 0) return; // one clear answer: covered above
    expect(textOf(last)).toContain("Meintest du");
    expect(choices.length).toBeLessThanOrEqual(3);
    const opened = await parent.tap(choices[0]!.text);
    expect(opened.join("\n").length).toBeGreaterThan(20);
  });

  it("says honestly when it has no answer, and offers the menu and a person", async () => {
    const parent = await parentIn("de");
    const replies = await parent.say("Wie wird das Wetter morgen in Hamburg?");
    expect(replies.join("\n")).toContain("keine passende Antwort");
    expect(buttonsOf(parent.messages.at(-1)!).map((b) => b.text)).toEqual([
      "🙋 Mit einer Person sprechen",
      "🏠 Hauptmenü",
    ]);
  });

  it("keeps the question out of the logs", async () => {
    const parent = await parentIn("de");
    await parent.say("Wer bezahlt die Nachhilfe für Sofiia?");
    expect(bot().logs.join("\n")).not.toContain("Sofiia");
    expect(bot().logs.join("\n")).not.toContain("Nachhilfe");
  });

  it("as the very first message gets the welcome and then its answer", async () => {
    const parent = new Parent(bot().emulator, { id: newUserId(), language_code: "de" });
    const replies = (await parent.say("Wer bezahlt die Klassenfahrt?")).join("\n");
    expect(replies).toContain("automatischer Assistent");
    expect(replies).toContain("§ 28 Abs. 2 SGB II");
    // A greeting has no answer: the welcome and the menu.
    const other = new Parent(bot().emulator, { id: newUserId(), language_code: "de" });
    expect((await other.say("Hallo")).join("\n")).toContain("Wobei kann ich dir helfen?");
  });
});

describe("the search indexes", () => {
  it("hold German from the start and a language from its first parent on, and answer at once", async () => {
    const redisUrl = inject("redisUrl");
    const harness = await startHarness(redisUrl ? { redisUrl } : {});
    try {
      const search = () => harness.app.content.current().search;
      expect(search().isIndexed("de")).toBe(true);
      expect(search().isIndexed("fa")).toBe(false);
      expect(search().isIndexed("ru")).toBe(false);
      // A Farsi parent's /start: their language is indexed before they ask anything.
      const farsi = new Parent(harness.emulator, { id: newUserId(), language_code: "fa" });
      await farsi.say("/start");
      await harness.emulator.waitFor(() => search().isIndexed("fa"));
      expect(search().isIndexed("uk")).toBe(false);
      // A question as a Russian parent's very first message is answered all the same.
      const russian = new Parent(harness.emulator, { id: newUserId(), language_code: "ru" });
      const replies = await russian.say("сколько сейчас платят детские деньги (Kindergeld)?");
      expect(replies.join("\n")).toContain("§ 66 Abs. 1 EStG");
      expect(search().isIndexed("ru")).toBe(true);
    } finally {
      await harness.stop();
    }
  });
});
