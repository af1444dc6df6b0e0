/**
 * The caseworker desk end to end: a parent's request becomes a forum topic with a case card in the
 * office group, messages go both ways, the caseworker closes and the parent rates. Real Redis, the
 * Bot API emulator as a forum supergroup, every call checked against the Bot API spec.
 */
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
  clock: { now: number };
}

async function desk(
  options: { at?: number; forum?: boolean; budget?: { max: number; windowMs: number } } = {},
): Promise<Desk> {
  const api = await new BotApiEmulator().start();
  cleanup.push(() => api.stop());
  const caseworker = api.createUser({ id: CASEWORKER, first_name: "Anna", language_code: "de" });
  // A group of its own per test: tests share Redis, and with it each group's outbox and budget.
  const group = api.createGroup({
    id: nextGroup--,
    title: "Jugendamt Musterstadt",
    is_forum: options.forum ?? true,
    members: { [CASEWORKER]: "member", [api.botUser.id]: "administrator" },
  });
  const clock = { now: options.at ?? OPEN };
  const harness = await startHarness({
    emulator: api,
    ...(redisUrl && { redisUrl }),
    env: { CASEWORKER_CHAT_ID: String(group.id) },
    now: () => clock.now,
    ...(options.budget && { groupBudget: options.budget }),
  });
  cleanup.push(() => harness.stop());
  return { api, harness, group, caseworker, clock };
}

/** Walks a German parent from the childcare menu through the request form to "Send". */
async function openCase(
  parent: Parent,
  message = "Ich finde keinen Kita-Platz für meine Tochter.",
): Promise<string[]> {
  await parent.say("/start");
  await parent.tap("Kinderbetreuung");
  const consent = await parent.tap("Mit einem Menschen sprechen");
  expect(consent.join("\n")).toContain("Jugendamt Musterstadt");
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
    expect(
      buttonsOf(parent.messages.at(-1)!)
        .map((b) => b.text)
        .join(" "),
    ).toContain("Kinderbetreuung");
    expect(d.api.violations).toEqual([]);
  });

  it("refusing consent passes nothing on and offers the office's phone, address and hours", async () => {
    const d = await desk();
    const parent = new Parent(d.api, { id: newUserId() });
    await parent.say("/start");
    await parent.tap("Kinderbetreuung");
    await parent.tap("Mit einem Menschen sprechen");
    const declined = (await parent.tap("Nein, lieber nicht")).join("\n");
    expect(declined).toContain("+49 30 1234 5600");
    expect(declined).toContain("Rathausplatz 1");
    expect(declined).toMatch(/Di 08:00–12:00, 14:00–16:00/);
    await parent.tap("Hauptmenü");
    expect(
      buttonsOf(parent.messages.at(-1)!)
        .map((b) => b.text)
        .join(" "),
    ).toContain("Kinderbetreuung");
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
});
