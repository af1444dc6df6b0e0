/**
 * The caseworker desk end to end: a parent's request becomes a forum topic with a case card in the
 * office group, messages go both ways, the caseworker closes and the parent rates. Real Redis, the
 * Bot API emulator as a forum supergroup, every call checked against the Bot API spec.
 */
import { Redis } from "ioredis";
import { afterEach, describe, expect, inject, it } from "vitest";
import { BotApiEmulator, type TgChat, type TgUser } from "../../src/telegram-api/emulator.js";
import {
  buttonsOf,
  newUserId,
  Parent,
  startHarness,
  textOf,
  type Harness,
} from "../support/bot-harness.js";

const redisUrl = inject("redisUrl");
let nextGroup = -1001000000000 - Math.floor(Math.random() * 1_000_000) * 100;
const CASEWORKER = 900_777;
/** Tuesday, 24 November 2026, 10:00 in Berlin: the Jugendamt is open. */
const OPEN = Date.parse("2026-11-24T09:00:00Z");
/** Saturday, 21 November 2026, 10:00 in Berlin: closed until Monday 08:00. */
const CLOSED = Date.parse("2026-11-21T09:00:00Z");

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface Desk {
  api: BotApiEmulator;
  harness: Harness;
  group: TgChat;
  caseworker: TgUser;
  /** Moves the desk's clock forward (it runs on from `at` in real time). */
  advance(ms: number): void;
  /** Stops the bot and starts a new process on the same Redis and Bot API. */
  restart(): Promise<void>;
}

async function desk(
  options: {
    at?: number;
    forum?: boolean;
    budget?: { max: number; windowMs: number };
    botStatus?: string;
  } = {},
): Promise<Desk> {
  const api = await new BotApiEmulator().start();
  cleanup.push(() => api.stop());
  // Every call of every test is checked against the Bot API spec.
  cleanup.push(async () => expect(api.violations).toEqual([]));
  const caseworker = api.createUser({ id: CASEWORKER, first_name: "Anna", language_code: "de" });
  // A group of its own per test: tests share Redis, and with it each group's outbox and budget.
  const group = api.createGroup({
    id: nextGroup--,
    title: "Jugendamt Musterstadt",
    is_forum: options.forum ?? true,
    members: { [CASEWORKER]: "member", [api.botUser.id]: options.botStatus ?? "administrator" },
  });
  const started = Date.now();
  let offset = (options.at ?? OPEN) - started;
  const start = () =>
    startHarness({
      emulator: api,
      ...(redisUrl && { redisUrl }),
      env: { CASEWORKER_CHAT_ID: String(group.id) },
      now: () => Date.now() + offset,
      ...(options.budget && { groupBudget: options.budget }),
    });
  const d: Desk = {
    api,
    harness: await start(),
    group,
    caseworker,
    advance(ms) {
      offset += ms;
    },
    async restart() {
      await d.harness.stop();
      d.harness = await start();
    },
  };
  cleanup.push(() => d.harness.stop());
  return d;
}

/** Walks a German parent from the childcare menu through the request form to "Send". */
async function openCase(
  parent: Parent,
  message = "Ich finde keinen Kita-Platz für meine Tochter.",
): Promise<string[]> {
  await parent.say("/start");
  await parent.tap("Kinderbetreuung");
  const consent = await parent.tap("Mit einer Person sprechen");
  expect(consent.join("\n")).toContain("Jugendamt Musterstadt");
  return fillForm(parent, message);
}

/** From the consent question of the request form to "Send". */
async function fillForm(parent: Parent, message: string): Promise<string[]> {
  await parent.tap("Ja, weitergeben");
  await parent.tap("Kita und Tagespflege");
  const prompt = parent.messages.at(-1)!;
  if (buttonsOf(prompt).some((b) => b.text.includes("Antworten mitschicken")))
    await parent.tap("Nein, nicht mitschicken");
  await parent.say(message);
  await parent.tap("Hier im Chat");
  return parent.tap("Absenden");
}

/** The forum topic of the first case card. */
async function caseThread(d: Desk): Promise<number> {
  const card = await d.api.waitFor(() =>
    d.api.callsOf("sendMessage").find((c) => Number(c.params.chat_id) === d.group.id),
  );
  return Number(card.params.message_thread_id);
}

/** The labels of the buttons under the parent's newest message, in one line. */
function lastButtons(parent: Parent): string {
  return buttonsOf(parent.messages.at(-1)!)
    .map((b) => b.text)
    .join(" ");
}

/** Case cards delivered to the group. */
function groupCards(d: Desk): number {
  return d.api.botMessages(d.group.id).filter((m) => buttonsOf(m).length > 0).length;
}

function groupTexts(d: Desk, thread?: number): string[] {
  return d.api
    .botMessages(d.group.id, thread)
    .filter((m) => !m.deleted)
    .map(textOf);
}

describe.runIf(redisUrl)("caseworker desk (Redis)", () => {
  it("round trip: consent → topic with card → caseworker answer → parent reply → close → rating", async () => {
    const d = await desk();
    const parent = new Parent(d.api, { id: newUserId() });
    const sent = await openCase(parent);
    expect(sent.join("\n")).toMatch(
      /Anfrage #\d+ ist bei Jugendamt Musterstadt\. Du bist als Nächstes dran/,
    );

    // A forum topic with the case card appears in the office group.
    const thread = await caseThread(d);
    const topic = d.api.callsOf("createForumTopic")[0]!;
    expect(String(topic.params.name)).toMatch(/^#\d+ · Kita und Tagespflege · 🇩🇪 de$/);
    expect(String(topic.params.name)).not.toContain("Alex");
    const card = groupTexts(d, thread).join("\n");
    expect(card).toContain("Ich finde keinen Kita-Platz für meine Tochter.");
    expect(card).toContain("Sprache: 🇩🇪 Deutsch (de)");
    expect(card).toContain("childcare.menu");
    expect(card).toContain("Antwort hier im Chat");

    // The caseworker answers in the topic: the parent gets a header once, then the message.
    parent.replies();
    await d.api.sendText(
      d.caseworker,
      "Guten Tag, wir haben freie Plätze in der Kita Sonnenschein.",
      d.group,
      thread,
    );
    await d.api.waitFor(() => parent.messages.some((m) => textOf(m).includes("Sonnenschein")));
    const received = parent.replies().map(textOf);
    expect(received[0]).toContain("Jugendamt Musterstadt antwortet");
    expect(received.at(-1)).toBe("Guten Tag, wir haben freie Plätze in der Kita Sonnenschein.");

    // The parent's reply reaches the topic, not the flows.
    await parent.say("Danke! Wann kann ich vorbeikommen?");
    await d.api.waitFor(() =>
      groupTexts(d, thread).some((t) => t.includes("Wann kann ich vorbeikommen?")),
    );
    expect(parent.replies()).toEqual([]);

    // The caseworker closes; the topic closes; the parent is asked for a rating and rates.
    await d.api.sendText(d.caseworker, "/close", d.group, thread);
    await d.api.waitFor(() => d.api.callsOf("closeForumTopic").length === 1);
    await d.api.waitFor(() => parent.messages.some((m) => textOf(m).includes("ist abgeschlossen")));
    const thanks = await parent.tap("⭐⭐⭐⭐⭐");
    expect(thanks.join("\n")).toContain("Danke für deine Bewertung");
    // After the case the flows answer again.
    await parent.say("/menu");
    expect(lastButtons(parent)).toContain("Kinderbetreuung");
    expect(d.api.violations).toEqual([]);
  });

  it("after a rating, only the next text soon after is a comment: a new request gets the parent's words", async () => {
    const d = await desk();
    const parent = new Parent(d.api, { id: newUserId() });
    await openCase(parent, "Erste Frage");
    const first = await caseThread(d);
    await d.api.sendText(d.caseworker, "/close", d.group, first);
    await d.api.waitFor(() => parent.messages.some((m) => textOf(m).includes("ist abgeschlossen")));
    await parent.tap("⭐⭐⭐⭐");

    // A new request right after the rating: the text goes to the new case.
    await parent.say("/person");
    await fillForm(parent, "Zweite Frage");
    await d.api.waitFor(() => d.api.callsOf("createForumTopic").length === 2);
    const second = Math.max(
      ...[...d.api.topics.keys()]
        .filter((key) => key.startsWith(`${d.group.id}:`))
        .map((key) => Number(key.split(":")[1])),
    );
    await parent.say("Hallo, ist jemand da?");
    await d.api.waitFor(() => groupTexts(d, second).includes("Hallo, ist jemand da?"));
    expect(groupTexts(d).join("\n")).not.toContain("Kommentar der Eltern");
    expect(parent.messages.map(textOf).join("\n")).not.toContain("deinen Kommentar weitergegeben");

    // Rated, and a text much later: not a comment.
    await d.api.sendText(d.caseworker, "/close", d.group, second);
    await d.api.waitFor(
      () => parent.messages.filter((m) => textOf(m).includes("ist abgeschlossen")).length === 2,
    );
    await parent.tap("⭐⭐⭐⭐⭐");
    d.advance(20 * 60_000);
    await parent.say("Wann hat die Kita offen?");
    expect(groupTexts(d).join("\n")).not.toContain("Wann hat die Kita offen?");
  });

  it("refusing consent passes nothing on and offers the office's phone, address and hours", async () => {
    const d = await desk();
    const parent = new Parent(d.api, { id: newUserId() });
    await parent.say("/start");
    await parent.tap("Kinderbetreuung");
    await parent.tap("Mit einer Person sprechen");
    const declined = (await parent.tap("Nein, lieber nicht")).join("\n");
    expect(declined).toContain("+49 30 1234 5600");
    expect(declined).toContain("Rathausplatz 1");
    expect(declined).toMatch(/Di 08:00–12:00, 14:00–16:00/);
    await parent.tap("Hauptmenü");
    expect(lastButtons(parent)).toContain("Kinderbetreuung");
    await new Promise((r) => setTimeout(r, 200));
    expect(d.api.callsOf("createForumTopic")).toEqual([]);
    expect(d.api.botMessages(d.group.id)).toEqual([]);
  });

  it("outside office hours the parent is told honestly when the office opens again", async () => {
    const d = await desk({ at: CLOSED });
    const parent = new Parent(d.api, { id: newUserId() });
    const sent = (await openCase(parent)).join("\n");
    expect(sent).toContain("Gerade ist geschlossen");
    expect(sent).toContain("Montag, 23. November um 08:00");
  });

  it("ignores someone outside the office group and relays nothing of theirs", async () => {
    const d = await desk();
    const parent = new Parent(d.api, { id: newUserId() });
    await openCase(parent);
    const thread = await caseThread(d);
    const stranger = d.api.createUser({ id: newUserId(), first_name: "Mallory" });
    parent.replies();
    await d.api.sendText(stranger, "Ich bin vom Amt, schick mir deine IBAN", d.group, thread);
    await new Promise((r) => setTimeout(r, 300));
    expect(parent.replies()).toEqual([]);
    expect(d.harness.logs.some((l) => l.includes("outside the office group"))).toBe(true);
  });

  it("/delete with an open case withdraws it: the caseworkers see it, its data is gone", async () => {
    const d = await desk();
    const parent = new Parent(d.api, { id: newUserId() });
    await openCase(parent);
    await d.api.waitFor(() => d.api.callsOf("createForumTopic").length === 1);
    await parent.say("/delete");
    await parent.tap("Ja, alles löschen");
    await d.api.waitFor(() => d.api.callsOf("deleteForumTopic").length === 1);
    await d.api.waitFor(() =>
      groupTexts(d).some((t) => t.includes("von den Eltern zurückgezogen")),
    );
    expect(groupTexts(d).join("\n")).not.toContain("Kita-Platz für meine Tochter");
  });

  it("/delete while the case's topic is still being created: the topic goes all the same", async () => {
    const d = await desk();
    const parent = new Parent(d.api, { id: newUserId() });
    const creating = d.api.holdNext("createForumTopic");
    await openCase(parent, "Bitte alles wieder löschen");
    await creating.reached;
    await parent.say("/delete");
    await parent.tap("Ja, alles löschen");
    creating.release();

    await d.api.waitFor(() =>
      groupTexts(d).some((t) => t.includes("von den Eltern zurückgezogen")),
    );
    await d.api.waitFor(() => d.api.callsOf("deleteForumTopic").length === 1);
    // The topic that was being created when the parent asked is the one deleted.
    expect(d.api.callsOf("createForumTopic")).toHaveLength(1);
    expect([...d.api.topics.keys()].filter((key) => key.startsWith(`${d.group.id}:`))).toEqual([]);
    expect(groupTexts(d).join("\n")).not.toContain("Bitte alles wieder löschen");
  });

  it("a restart mid-case loses nothing: both directions keep working with the new process", async () => {
    const d = await desk();
    const parent = new Parent(d.api, { id: newUserId() });
    await openCase(parent);
    const thread = await caseThread(d);
    await d.restart();

    parent.replies();
    await d.api.sendText(d.caseworker, "Sind Sie noch da?", d.group, thread);
    await d.api.waitFor(() => parent.messages.some((m) => textOf(m) === "Sind Sie noch da?"));
    await parent.say("Ja, ich bin noch da.");
    await d.api.waitFor(() => groupTexts(d, thread).includes("Ja, ich bin noch da."));
    // The flows stay out of the way: the parent's text went to the office, not to the menu.
    expect(parent.replies().map(textOf)).not.toContain(
      "Das habe ich leider nicht verstanden. Bitte nutze die Knöpfe oder schreib /menu.",
    );
    expect(d.api.violations).toEqual([]);
  });

  it("two parents at once get two cases, and each answer reaches only its own parent", async () => {
    const d = await desk();
    const first = new Parent(d.api, { id: newUserId() });
    const second = new Parent(d.api, { id: newUserId() });
    const [a, b] = await Promise.all([
      openCase(first, "Erste Anfrage: Kita-Gebühren"),
      openCase(second, "Zweite Anfrage: Tagesmutter"),
    ]);
    const numbers = [a, b].map((sent) => Number(/Anfrage #(\d+)/.exec(sent.join("\n"))![1]));
    expect(new Set(numbers).size).toBe(2);
    await d.api.waitFor(() => d.api.callsOf("createForumTopic").length === 2);
    const threadOf = async (text: string) => {
      const card = await d.api.waitFor(() =>
        d.api
          .botMessages(d.group.id)
          .find((m) => m.message_thread_id !== undefined && textOf(m).includes(text)),
      );
      return card.message_thread_id!;
    };
    const [firstThread, secondThread] = [
      await threadOf("Erste Anfrage"),
      await threadOf("Zweite Anfrage"),
    ];
    expect(firstThread).not.toBe(secondThread);

    first.replies();
    second.replies();
    await d.api.sendText(d.caseworker, "Antwort an die zweite Person", d.group, secondThread);
    await d.api.sendText(d.caseworker, "Antwort an die erste Person", d.group, firstThread);
    await d.api.waitFor(() =>
      first.messages.some((m) => textOf(m) === "Antwort an die erste Person"),
    );
    await d.api.waitFor(() =>
      second.messages.some((m) => textOf(m) === "Antwort an die zweite Person"),
    );
    expect(first.replies().map(textOf)).not.toContain("Antwort an die zweite Person");
    expect(second.replies().map(textOf)).not.toContain("Antwort an die erste Person");

    await first.say("Danke von der ersten Person");
    await d.api.waitFor(() => groupTexts(d, firstThread).includes("Danke von der ersten Person"));
    expect(groupTexts(d, secondThread)).not.toContain("Danke von der ersten Person");
  });

  it("relays photos both ways", async () => {
    const d = await desk();
    const parent = new Parent(d.api, { id: newUserId() });
    await openCase(parent);
    const thread = await caseThread(d);
    const photo = (id: string) => [
      { file_id: id, file_unique_id: `u-${id}`, width: 800, height: 600, file_size: 40_000 },
    ];

    await d.api.sendMessage(parent.user, { photo: photo("bescheid"), caption: "Mein Bescheid" });
    const inTopic = await d.api.waitFor(() =>
      d.api.botMessages(d.group.id, thread).find((m) => m.photo?.[0]?.file_id === "bescheid"),
    );
    expect(inTopic.caption).toBe("Mein Bescheid");

    await d.api.sendMessage(d.caseworker, {
      chat: d.group,
      message_thread_id: thread,
      is_topic_message: true,
      photo: photo("formular"),
      caption: "Bitte dieses Formular ausfüllen",
    });
    const atParent = await d.api.waitFor(() =>
      parent.messages.find((m) => m.photo?.[0]?.file_id === "formular"),
    );
    expect(atParent.caption).toBe("Bitte dieses Formular ausfüllen");
    expect(d.api.callsOf("copyMessage").length).toBe(2);
    expect(d.api.violations).toEqual([]);
  });

  it("in a group without topics: a card per case, relay by replying to it", async () => {
    const d = await desk({ forum: false });
    const parent = new Parent(d.api, { id: newUserId() });
    await openCase(parent, "Frage ohne Themen-Gruppe");
    const card = await d.api.waitFor(() =>
      d.api.botMessages(d.group.id).find((m) => textOf(m).includes("Frage ohne Themen-Gruppe")),
    );
    expect(d.api.callsOf("createForumTopic")).toEqual([]);
    expect(card.message_thread_id).toBeUndefined();

    // A message in the group that replies to nothing goes nowhere.
    parent.replies();
    await d.api.sendText(d.caseworker, "Allgemeine Notiz im Team", d.group);
    const { html: _html, ...cardPayload } = card;
    await d.api.sendMessage(d.caseworker, {
      chat: d.group,
      text: "Antwort per Reply auf die Karte",
      reply_to_message: cardPayload,
    });
    await d.api.waitFor(() =>
      parent.messages.some((m) => textOf(m) === "Antwort per Reply auf die Karte"),
    );
    expect(parent.replies().map(textOf)).not.toContain("Allgemeine Notiz im Team");

    // A postscript as a reply to the caseworker's own message reaches the parent as well.
    const own = d.api.botMessages(d.group.id).length;
    const relayedAnswer = d.api
      .callsOf("copyMessage")
      .find((c) => Number(c.params.chat_id) === parent.user.id)!;
    await d.api.sendMessage(d.caseworker, {
      chat: d.group,
      text: "Nachtrag: bitte den Ausweis mitbringen",
      reply_to_message: { message_id: Number(relayedAnswer.params.message_id), chat: d.group },
    });
    await d.api.waitFor(() =>
      parent.messages.some((m) => textOf(m) === "Nachtrag: bitte den Ausweis mitbringen"),
    );
    expect(d.api.botMessages(d.group.id).length).toBe(own);

    // The parent's answer lands in the group as a reply to the card.
    await parent.say("Antwort der Eltern");
    const relayed = await d.api.waitFor(() =>
      d.api.callsOf("copyMessage").find((c) => Number(c.params.chat_id) === d.group.id),
    );
    expect(relayed.params.reply_parameters).toMatchObject({ message_id: card.message_id });
    expect(d.api.violations).toEqual([]);
  });

  it("a damaged job in a group's outbox is dropped and logged; the parent's messages still arrive", async () => {
    const d = await desk();
    const parent = new Parent(d.api, { id: newUserId() });
    await openCase(parent, "Frage trotz kaputtem Eintrag");
    const thread = await caseThread(d);
    await d.api.waitFor(() =>
      groupTexts(d, thread).some((t) => t.includes("Frage trotz kaputtem Eintrag")),
    );
    // Something wrote a job the desk cannot read into the group's outbox.
    const redis = new Redis(redisUrl);
    cleanup.push(async () => void redis.disconnect());
    await redis
      .multi()
      .rpush(`sp:outbox:${d.group.id}`, "{kaputt")
      .expire(`sp:outbox:${d.group.id}`, 600)
      .sadd("sp:outboxes", String(d.group.id))
      .exec();

    await parent.say("Ist meine Frage angekommen?");
    await d.api.waitFor(() =>
      groupTexts(d, thread).some((t) => t.includes("Ist meine Frage angekommen?")),
    );
    expect(d.harness.logs.some((line) => line.includes("unreadable group job dropped"))).toBe(true);
    expect(d.api.violations).toEqual([]);
  });

  it("a group that is rate-limited for long keeps the parent's message and gets it later", async () => {
    const d = await desk();
    const parent = new Parent(d.api, { id: newUserId() });
    await openCase(parent);
    const thread = await caseThread(d);
    // Longer than the bot waits within one call: the job must stay in the outbox.
    d.api.failNext("copyMessage", {
      code: 429,
      description: "Too Many Requests: retry after 60",
      retryAfter: 60,
    });
    await parent.say("Meine Nachricht trotz Drosselung");
    await d.api.waitFor(() => groupTexts(d, thread).includes("Meine Nachricht trotz Drosselung"));
    expect(d.api.callsOf("copyMessage")).toHaveLength(2);
    expect(d.harness.logs.some((line) => line.includes("group job dropped"))).toBe(false);
  });

  it("an admin who remains anonymous answers and closes a case as the team", async () => {
    const d = await desk();
    const parent = new Parent(d.api, { id: newUserId() });
    await openCase(parent);
    const thread = await caseThread(d);
    const anonymous = d.api.createUser({
      id: 1087968824,
      is_bot: true,
      first_name: "Group",
      username: "GroupAnonymousBot",
    });
    const write = (text: string) =>
      d.api.sendMessage(anonymous, {
        chat: d.group,
        sender_chat: d.group,
        text,
        message_thread_id: thread,
        is_topic_message: true,
      });
    await write("Wir melden uns morgen früh bei Ihnen.");
    await d.api.waitFor(() =>
      parent.messages.some((m) => textOf(m) === "Wir melden uns morgen früh bei Ihnen."),
    );
    await write("/close");
    await d.api.waitFor(() => parent.messages.some((m) => textOf(m).includes("ist abgeschlossen")));
    expect(groupTexts(d).join("\n")).not.toContain("Group");
  });

  it("a case left unclaimed is reminded in its group; a claimed one is not", async () => {
    const d = await desk();
    const waiting = new Parent(d.api, { id: newUserId() });
    const claimed = new Parent(d.api, { id: newUserId() });
    await openCase(waiting, "Wartet auf jemanden");
    await openCase(claimed, "Wird gleich übernommen");
    await d.api.waitFor(() => d.api.callsOf("createForumTopic").length === 2);
    const card = await d.api.waitFor(() =>
      d.api.botMessages(d.group.id).find((m) => textOf(m).includes("Wird gleich übernommen")),
    );
    const claim = buttonsOf(card).find((b) => b.text.includes("Übernehmen"))!;
    await d.api.tap(d.caseworker, card, claim.callback_data);
    await d.api.waitFor(() => claimed.messages.some((m) => textOf(m).includes("kümmert sich")));

    d.advance(31 * 60_000);
    await d.harness.app.handoff.remind();
    await d.harness.app.handoff.drain();
    const reminder = await d.api.waitFor(() => groupTexts(d).find((t) => t.startsWith("⏰")));
    expect(reminder).toMatch(/^⏰ 1 Fall noch nicht übernommen \(länger als 30 Min\.\)/);
    expect(reminder).toMatch(/wartet seit 3\d Min\./);
    const numberOf = (parent: Parent) =>
      /Anfrage #(\d+)/.exec(parent.messages.map(textOf).join("\n"))![1];
    expect(reminder).toContain(`#${numberOf(waiting)} `);
    expect(reminder).not.toContain(`#${numberOf(claimed)} `);

    // Checked every minute, reminded once per reminder time.
    const reminders = () => groupTexts(d).filter((t) => t.startsWith("⏰")).length;
    const redis = new Redis(redisUrl);
    cleanup.push(async () => void redis.disconnect());
    const check = async (minutes: number) => {
      d.advance(minutes * 60_000);
      await redis.del("sp:once:remind");
      await d.harness.app.handoff.remind();
      await d.harness.app.handoff.drain();
    };
    await check(1);
    await check(1);
    expect(reminders()).toBe(1);
    await check(30);
    await d.api.waitFor(() => reminders() === 2);
  });

  it("50 cases in one minute: the group never gets more bot messages than its budget allows", async () => {
    const budget = { max: 20, windowMs: 1_500 };
    const d = await desk({ budget });
    const parents = Array.from({ length: 50 }, () => new Parent(d.api, { id: newUserId() }));
    for (let i = 0; i < parents.length; i += 10)
      await Promise.all(parents.slice(i, i + 10).map((p, j) => openCase(p, `Anfrage ${i + j}`)));
    await d.api.waitFor(
      () => d.api.callsOf("createForumTopic").length === 50 && groupCards(d) === 50,
      30_000,
    );
    // Every call that puts a message into the group, by the time the Bot API got it.
    const times = d.api.calls
      .filter(
        (c) =>
          Number(c.params.chat_id) === d.group.id &&
          ["sendMessage", "copyMessage", "createForumTopic", "closeForumTopic"].includes(c.method),
      )
      .map((c) => c.at)
      .sort((x, y) => x - y);
    expect(times.length).toBeGreaterThanOrEqual(100);
    // Allow the transport a little jitter between counting a message and its arrival.
    const window = budget.windowMs - 250;
    for (let i = 0; i < times.length; i++) {
      const inWindow = times.filter((t) => t >= times[i]! && t < times[i]! + window).length;
      expect(inWindow).toBeLessThanOrEqual(budget.max);
    }
    expect(d.api.violations).toEqual([]);
  }, 60_000);

  it("at start-up, names what the bot lacks in an office group", async () => {
    const d = await desk({ botStatus: "member" });
    const problem = d.harness.logs
      .map((line) => JSON.parse(line) as { msg: string; problem?: string })
      .find((entry) => entry.msg === "handoff desk: office group not ready");
    expect(problem?.problem).toBe(
      `group ${d.group.id}: the bot is not an administrator there (it needs to be, to open case topics)`,
    );
  });

  it("without any office group, a parent asking for a person gets the office's contacts at once", async () => {
    const api = await new BotApiEmulator().start();
    cleanup.push(() => api.stop());
    const harness = await startHarness({ emulator: api, ...(redisUrl && { redisUrl }) });
    cleanup.push(() => harness.stop());
    const parent = new Parent(api, { id: newUserId() });
    await parent.say("/start");
    await parent.tap("Kinderbetreuung");
    const replies = (await parent.tap("Mit einer Person sprechen")).join("\n");
    expect(replies).toContain("Jugendamt Musterstadt");
    expect(replies).toContain("+49 30 1234 5600");
    expect(replies).toContain("Rathausplatz 1");
    expect(buttonsOf(parent.messages.at(-1)!).map((b) => b.text)).toEqual(["🏠 Hauptmenü"]);
    expect(
      api.callsOf("sendMessage").some((c) => String(c.params.text).includes("Einverstanden")),
    ).toBe(false);
  });
});
