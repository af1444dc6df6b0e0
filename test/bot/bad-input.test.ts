/** Bad input gets a friendly answer and nothing breaks: the process stays up, nothing is lost. */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import {
  buttonsOf,
  newUserId,
  Parent,
  startHarness,
  type Harness,
  LANGUAGE_BUTTONS,
} from "../support/bot-harness.js";

const redisUrl = inject("redisUrl");
let harness: Harness;
let redis: Redis | undefined;

beforeAll(async () => {
  harness = await startHarness(redisUrl ? { redisUrl } : {});
  if (redisUrl) redis = new Redis(redisUrl);
});
afterAll(async () => {
  redis?.disconnect();
  await harness.stop();
});
afterEach(() => {
  expect(harness.emulator.violations).toEqual([]);
});

async function parentInFlow(language_code = "de") {
  const parent = new Parent(harness.emulator, { id: newUserId(), language_code });
  await parent.say("/start");
  await parent.tap("Kinderbetreuung");
  await parent.tap("Anspruch auf einen Platz");
  parent.replies();
  return parent;
}

describe("bad input", () => {
  it("stickers, photos, voice and documents while in a flow get a hint, and the place is kept", async () => {
    const parent = await parentInFlow();
    const chat = harness.emulator.privateChat(parent.user);
    for (const media of [
      {
        sticker: {
          file_id: "s1",
          file_unique_id: "u1",
          type: "regular",
          width: 512,
          height: 512,
          is_animated: false,
          is_video: false,
        },
      },
      { photo: [{ file_id: "p1", file_unique_id: "u2", width: 90, height: 90 }] },
      { voice: { file_id: "v1", file_unique_id: "u3", duration: 3 } },
      { document: { file_id: "d1", file_unique_id: "u4", file_name: "bescheid.pdf" } },
    ]) {
      await harness.emulator.deliver({
        message: {
          message_id: 9000 + Math.floor(Math.random() * 1000),
          date: 1,
          chat,
          from: parent.user,
          ...media,
        },
      });
      expect(parent.replies().map((m) => m.text)).toEqual([
        "Bitte nutze die Knöpfe oder schreib deine Frage. Bilder, Sprachnachrichten und Dateien kann ich leider nicht lesen.",
      ]);
    }
    expect((await parent.say("3")).join("\n")).toContain("Rechtsgrundlage: § 24 Abs. 3 SGB VIII");
  });

  it("an edited message gets a note", async () => {
    const parent = await parentInFlow();
    await harness.emulator.sendMessage(parent.user, { text: "2" }, "edited_message");
    expect(parent.replies().map((m) => m.text)).toEqual([
      "Ich habe gesehen, dass du eine Nachricht geändert hast. Geänderte Nachrichten kann ich nicht lesen – bitte schick sie einfach noch einmal.",
    ]);
  });

  it("forged or unknown callback data is answered, with a note and the menu", async () => {
    const parent = new Parent(harness.emulator, { id: newUserId() });
    await parent.say("/start");
    const menu = parent.messages.at(-1)!;
    for (const data of ["garbage", "1szzzzzzz.0", "9s1.1", "1s" + "x".repeat(60), "1lxx-yy-zz"]) {
      const answered = harness.emulator.callsOf("answerCallbackQuery").length;
      parent.replies();
      await harness.emulator.tap(parent.user, menu, data);
      expect(harness.emulator.callsOf("answerCallbackQuery").length, data).toBe(answered + 1);
      const replies = parent.replies().map((m) => m.text);
      expect(replies[0], data).toMatch(/nicht mehr aktuell|Wobei kann ich dir helfen/);
      expect(replies.at(-1), data).toContain("Wobei kann ich dir helfen?");
    }
  });

  it("a tap on a button of another parent's message does nothing to either chat", async () => {
    const alice = new Parent(harness.emulator, { id: newUserId() });
    const bob = new Parent(harness.emulator, { id: newUserId() });
    await alice.say("/start");
    await bob.say("/start");
    const bobsMenu = bob.messages.at(-1)!;
    bob.replies();
    const answered = harness.emulator.callsOf("answerCallbackQuery").length;
    await harness.emulator.tap(alice.user, bobsMenu, buttonsOf(bobsMenu)[0]!.callback_data);
    expect(bob.replies()).toEqual([]);
    expect(alice.replies()).toEqual([]);
    const answer = harness.emulator.callsOf("answerCallbackQuery")[answered]!;
    expect(answer.params.text).toBe("Dieser Knopf gehört nicht zu deinem Chat.");
  });

  it("unknown update kinds are ignored without an answer or an error", async () => {
    const parent = new Parent(harness.emulator, { id: newUserId() });
    const chat = harness.emulator.privateChat(parent.user);
    await harness.emulator.deliver({
      message_reaction: {
        chat,
        message_id: 1,
        date: 1,
        user: parent.user,
        old_reaction: [],
        new_reaction: [{ type: "emoji", emoji: "👍" }],
      },
    });
    await harness.emulator.deliver({
      my_chat_member: {
        chat,
        from: parent.user,
        date: 1,
        old_chat_member: { status: "member", user: harness.emulator.botUser },
        new_chat_member: { status: "kicked", user: harness.emulator.botUser, until_date: 0 },
      },
    });
    await harness.emulator.deliver({
      poll: {
        id: "p",
        question: "?",
        options: [],
        total_voter_count: 0,
        is_closed: false,
        is_anonymous: true,
        type: "regular",
        allows_multiple_answers: false,
      },
    });
    // A kind the Bot API does not have (a future one, or a forged body) is counted as "other".
    await harness.emulator.deliver({ made_up_kind_0815: { chat } });
    expect(parent.replies()).toEqual([]);
    expect(harness.logs.some((l) => l.includes('"update failed'))).toBe(false);
    const metrics = await (await fetch(`http://127.0.0.1:${harness.app.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/bot_updates_total\{kind="other"\} [1-9]/);
    expect(metrics).not.toContain("made_up_kind_0815");
  });

  it("ignores group messages not addressed to it and points /start in a group to the private chat", async () => {
    const member = harness.emulator.createUser({
      id: newUserId(),
      first_name: "Gruppe",
      language_code: "de",
    });
    const group = harness.emulator.createGroup({
      id: -100_000_000 - newUserId(),
      title: "Elterncafé",
    });
    const before = harness.emulator.botMessages(group.id).length;
    await harness.emulator.sendText(member, "Hallo zusammen, wer hat Zeit?", group);
    expect(harness.emulator.botMessages(group.id).length).toBe(before);
    await harness.emulator.sendText(member, "/start", group);
    const reply = harness.emulator.botMessages(group.id).at(-1)!;
    expect(reply.text).toContain("Ich antworte nur im privaten Chat");
    expect(reply.text).toContain("@familien_assistent_bot");
  });

  it("never echoes HTML special characters unescaped, and handles 5000-character messages", async () => {
    const parent = new Parent(harness.emulator, { id: newUserId() });
    await parent.say("/start");
    const replies = await parent.say('<b>Hallo</b> & "Tschüss" <script>');
    expect(replies.length).toBeGreaterThan(0);
    const long = await parent.say("Warum ".repeat(834));
    expect(long.length).toBeGreaterThan(0);
    // The emulator answers any invalid HTML with 400 and records it; afterEach asserts there is none.
  });

  it("answers an update that Telegram delivers twice only once", async () => {
    const parent = new Parent(harness.emulator, { id: newUserId() });
    const chat = harness.emulator.privateChat(parent.user);
    const update = {
      update_id: 777_000 + Math.floor(Math.random() * 100_000),
      message: {
        message_id: 1,
        date: 1,
        chat,
        from: parent.user,
        text: "/help",
        entities: [{ type: "bot_command", offset: 0, length: 5 }],
      },
    };
    await harness.emulator.deliver(update);
    await harness.emulator.deliver(update);
    expect(parent.replies().filter((m) => m.text?.includes("So funktioniere ich"))).toHaveLength(1);
  });

  it("slows down a flood with one friendly notice", async () => {
    const parent = new Parent(harness.emulator, { id: newUserId() });
    await parent.say("/start");
    parent.replies();
    for (let i = 0; i < 45; i++) await harness.emulator.sendText(parent.user, "hallo?");
    const notices = parent.replies().filter((m) => m.text?.includes("sehr viele Nachrichten"));
    expect(notices).toHaveLength(1);
  });

  it.runIf(redisUrl)("replaces a corrupt stored session with a fresh one and logs it", async () => {
    const parent = new Parent(harness.emulator, { id: newUserId() });
    await parent.say("/start");
    await redis!.set(`sp:{${parent.user.id}}:sess`, '{"v":1,"e":"kaputt"');
    const replies = await parent.say("/menu");
    expect(replies.at(-1)).toContain("Wobei kann ich dir helfen?");
    expect(harness.logs.some((l) => l.includes("stored session unreadable"))).toBe(true);
    await redis!.set(
      `sp:{${parent.user.id}}:sess`,
      JSON.stringify({ v: 1, e: { v: 1, h: "x", at: "nowhere.step", a: {}, hist: [] } }),
    );
    expect((await parent.say("2")).join("\n")).toContain("Wobei kann ich dir helfen?");
  });

  it.runIf(redisUrl)(
    "erases everything about the chat on /delete, after a confirm button",
    async () => {
      const parent = await parentInFlow();
      await parent.say("2");
      const key = `sp:{${parent.user.id}}:sess`;
      expect(await redis!.exists(key)).toBe(1);
      expect(await parent.say("/delete")).toEqual([
        "Soll ich wirklich alles löschen, was ich über diesen Chat gespeichert habe? Deine Antworten und dein Gesprächsstand sind dann weg.",
      ]);
      expect(await parent.tap("Nein, behalten")).toEqual(["Alles klar, ich habe nichts gelöscht."]);
      expect(await redis!.exists(key)).toBe(1);
      await parent.say("/delete");
      expect((await parent.tap("Ja, alles löschen"))[0]).toContain("Ich habe alles gelöscht");
      expect(await redis!.exists(key)).toBe(0);
    },
  );

  it("offers the language picker to a parent whose language is not supported, each language named in itself", async () => {
    const parent = new Parent(harness.emulator, { id: newUserId(), language_code: "pl" });
    const replies = await parent.say("/start");
    expect(replies).toEqual(["🌐 Bitte wähle deine Sprache:"]);
    expect(buttonsOf(parent.messages.at(-1)!).map((b) => b.text)).toEqual(LANGUAGE_BUTTONS);
    // One message: the confirmation, the welcome in the chosen language, and the menu.
    const after = await parent.tap("English");
    expect(after).toHaveLength(1);
    expect(after[0]).toMatch(
      /^✅ I will write in English now\.\n\n👋 Welcome! I am an automated assistant/,
    );
    expect(after[0]).toContain("How can I help you?");
  });

  it("switches the language mid-flow and shows the same step again", async () => {
    const parent = await parentInFlow();
    await parent.say("/language");
    const replies = await parent.tap("English");
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/^✅ I will write in English now\.\n\nHow old is your child\?/);
  });

  it("keeps message texts, names and phone numbers out of the logs", async () => {
    const parent = new Parent(harness.emulator, {
      id: newUserId(),
      first_name: "Mariana",
      last_name: "Kowalenko",
      username: "mariana_k",
    });
    await parent.say("/start");
    await parent.say("Meine Nummer ist 0171 2345678, mein Kind heißt Sofiia");
    const logs = harness.logs.join("\n");
    for (const secret of ["Mariana", "Kowalenko", "mariana_k", "0171", "Sofiia", "Meine Nummer"]) {
      expect(logs).not.toContain(secret);
    }
    expect(logs).toMatch(/"update_id":\d+/);
  });
});
