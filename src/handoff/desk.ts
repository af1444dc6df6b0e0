/**
 * The caseworker desk inside Telegram. A parent's request becomes a case: a forum topic in the
 * office's group with a case card (or, in a plain group, a card message that caseworkers reply
 * to). Messages are copied both ways while the case is open; members of the group claim and close
 * it; the parent rates it. Everything sent to a group goes through its outbox, which keeps to
 * Telegram's 20 messages a minute per group across all replicas.
 *
 * Parent-facing texts are in the parent's language (locales); caseworker-facing texts in German.
 */
import {
  conversations,
  createConversation,
  type ConversationFlavor,
} from "@grammyjs/conversations";
import { GrammyError, type Api, type Context } from "grammy";
import { DirectComposer } from "../bot/composer.js";
import type { Message } from "grammy/types";
import type { Logger } from "pino";
import {
  OFFICES_NS,
  officeFor,
  topicAt,
  type Office,
  type Offices,
} from "../flow-files/offices.js";
import { escapeHtml } from "../i18n/texts.js";
import { PERSON_COMMANDS, type CommonKey } from "../i18n/common-keys.js";
import type { SessionStore } from "../storage/session-store.js";
import type { ContentBundle, ContentSource } from "../bot/content-bundle.js";
import { parentOf, type BotContext } from "../bot/context.js";
import { commonMessage, runEngine, sendMessages } from "../bot/reply.js";
import type { Case, CaseStore, GroupJob } from "./case-store.js";
import { officeStatus } from "./hours.js";
import {
  createIntake,
  INTAKE,
  INTAKE_PREFIX,
  officeContacts,
  type IntakeArgs,
  type IntakeResult,
} from "./intake.js";

export interface HandoffOptions {
  readonly content: ContentSource;
  readonly cases: CaseStore;
  readonly sessions: SessionStore;
  readonly logger: Logger;
  /** CASEWORKER_CHAT_ID: the group of offices with `chat: default`. */
  readonly defaultGroup: number | undefined;
  /** How long an open case lives without activity (the session TTL). */
  readonly openTtlSeconds: number;
  /** How long a case is kept after closing. */
  readonly closedTtlSeconds: number;
  /** Unclaimed this long, a case is reminded in its group. */
  readonly reminderMinutes: number;
  /** Telegram's limit for bots in a group: 20 messages a minute. */
  readonly groupBudget?: { readonly max: number; readonly windowMs: number };
  readonly now?: () => number;
}

export type HandoffContext = BotContext & ConversationFlavor<BotContext>;

const DAY_MS = 86_400_000;
const FLAGS: Record<string, string> = {
  de: "🇩🇪",
  en: "🇬🇧",
  uk: "🇺🇦",
  ru: "🇷🇺",
  tr: "🇹🇷",
  ar: "🇸🇾",
  fa: "🇦🇫",
  pl: "🇵🇱",
  ro: "🇷🇴",
};
const MEMBER_CACHE_MS = 60_000;
/** How long after rating a case a parent's text is taken as a comment on it. */
const COMMENT_WINDOW_MS = 15 * 60_000;
/** Callback data: claim `1k<office>.<n>`, close `1z<office>.<n>`, rating `1r<office>.<n>.<stars>`. */
const CASE_BUTTON = /^1([kz])([a-z][a-z0-9_]*)\.(\d{1,9})$/;
const RATING_BUTTON = /^1r([a-z][a-z0-9_]*)\.(\d{1,9})\.([1-5])$/;
export const PERSON_BUTTON = "1p";

export function createHandoff(options: HandoffOptions) {
  const { content, cases, sessions, logger } = options;
  const now = options.now ?? Date.now;
  const budget = options.groupBudget ?? { max: 20, windowMs: 60_000 };
  let api: Api | undefined;
  const members = new Map<string, { ok: boolean; until: number }>();
  const forums = new Map<number, { forum: boolean; until: number }>();

  const offices = (): Offices | undefined => content.current().content.offices;
  const groupOf = (office: Office): number | undefined =>
    office.chat === "default" ? options.defaultGroup : office.chat;
  const officeById = (id: string) => offices()?.offices.get(id);
  const groups = (): Set<number> =>
    new Set(
      [...(offices()?.offices.values() ?? [])]
        .map(groupOf)
        .filter((g): g is number => g !== undefined),
    );
  const parentText = (
    bundle: ContentBundle,
    lang: string,
    key: CommonKey,
    vars?: Record<string, string | number>,
  ) => bundle.texts.common(lang, key, vars);
  const topicName = (bundle: ContentBundle, lang: string, topic: string) =>
    bundle.texts.text(lang, { ns: OFFICES_NS, key: `topic.${topic}` });

  // ── Cases ──────────────────────────────────────────────────────────────────────────────────

  async function open(ctx: BotContext, request: IntakeResult): Promise<string> {
    const parent = parentOf(ctx);
    const office = officeById(request.office)!;
    const group = groupOf(office)!;
    const record = await cases.create(
      {
        office: office.id,
        parentChat: ctx.chat!.id,
        lang: request.lang,
        topic: request.topic,
        path: request.path,
        answers: request.answers,
        message: request.message,
        contact: request.contact,
        ...(request.phone !== undefined && { phone: request.phone }),
        groupChat: group,
      },
      now(),
      options.openTtlSeconds,
    );
    parent.session.c = record.id;
    await push(group, { type: "open", caseId: record.id });
    ctx.log.info({ case: record.id }, "case opened");
    const status = officeStatus(office, new Date(now()));
    const vars = { number: record.number, office: office.name };
    if (status.open) {
      const ahead = ((await cases.queuePosition(office.id, record.id)) ?? 1) - 1;
      const queue = parentText(parent.bundle, request.lang, "handoff.queue", { count: ahead });
      return parentText(parent.bundle, request.lang, "handoff.sent_open", { ...vars, queue });
    }
    if (!status.next) return parentText(parent.bundle, request.lang, "handoff.sent_unknown", vars);
    const intl = parent.bundle.content.languages.get(request.lang)?.intl ?? "de-DE";
    const next = new Intl.DateTimeFormat(intl, {
      weekday: "long",
      day: "numeric",
      month: "long",
      hour: "2-digit",
      minute: "2-digit",
      timeZone: "Europe/Berlin",
    }).format(status.next);
    return parentText(parent.bundle, request.lang, "handoff.sent_closed", { ...vars, next });
  }

  /** Closes a case from the desk: the topic closes, the parent is told and asked for a rating. */
  async function close(record: Case, by: string): Promise<void> {
    if (!(await cases.end(record.id, "closed", now(), options.closedTtlSeconds))) return;
    logger.info({ case: record.id }, "case closed");
    await push(record.groupChat, {
      type: "note",
      caseId: record.id,
      html: `✅ Geschlossen von ${escapeHtml(by)}.`,
      close: true,
    });
    await push(record.groupChat, { type: "card", caseId: record.id });
    const bundle = content.current();
    const office = officeById(record.office);
    await toParent(
      record,
      parentText(bundle, record.lang, "handoff.closed", {
        number: record.number,
        office: office?.name ?? record.office,
      }),
      [
        [1, 2, 3, 4, 5].map((stars) => ({
          text: "⭐".repeat(stars),
          callback_data: `1r${record.office}.${record.number}.${stars}`,
        })),
      ],
    );
  }

  /** The parent withdraws (/cancel) or erases (/delete) their open case. */
  async function withdraw(record: Case, erase: boolean): Promise<void> {
    const ended = await cases.end(record.id, "withdrawn", now(), options.closedTtlSeconds);
    logger.info({ case: record.id, erase, ended }, "case withdrawn by the parent");
    if (erase) {
      // What the parent wrote leaves the store at once; the group's copies go with the erase job,
      // after every job for the case that is already queued.
      await cases.scrub(record.id);
      await push(record.groupChat, {
        type: "erase",
        caseId: record.id,
        html: `↩️ Fall #${record.number} (${escapeHtml(officeById(record.office)?.name ?? record.office)}) wurde von den Eltern zurückgezogen; seine Daten sind gelöscht.`,
      });
      return;
    }
    // Closed by the office a moment before: the group already has the case's end.
    if (!ended) return;
    await push(record.groupChat, {
      type: "note",
      caseId: record.id,
      html: "↩️ Von den Eltern zurückgezogen.",
      close: true,
    });
    await push(record.groupChat, { type: "card", caseId: record.id });
  }

  async function toParent(
    record: Case,
    html: string,
    keyboard?: Array<Array<{ text: string; callback_data: string }>>,
  ): Promise<boolean> {
    if (!api || (await sessions.isBlocked(record.parentChat))) return false;
    try {
      await api.sendMessage(record.parentChat, html, {
        parse_mode: "HTML",
        ...(keyboard && { reply_markup: { inline_keyboard: keyboard } }),
      });
      return true;
    } catch (error) {
      logger.warn({ case: record.id, err: describe(error) }, "could not reach the parent");
      return false;
    }
  }

  // ── The card ───────────────────────────────────────────────────────────────────────────────

  function card(record: Case): {
    html: string;
    buttons: Array<{ text: string; callback_data: string }>;
  } {
    const bundle = content.current();
    const office = officeById(record.office);
    const language =
      new Intl.DisplayNames(["de"], { type: "language" }).of(record.lang) ?? record.lang;
    const answers = Object.entries(record.answers)
      .map(([key, value]) => `${escapeHtml(key)}: ${escapeHtml(String(value))}`)
      .join(" · ");
    const contact =
      record.contact === "phone"
        ? `📞 Rückruf: ${escapeHtml(record.phone ?? "?")}`
        : record.contact === "office"
          ? "🏢 Termin vor Ort"
          : "💬 Antwort hier im Chat";
    const since = new Intl.DateTimeFormat("de-DE", {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: "Europe/Berlin",
    }).format(record.createdAt);
    const status = {
      open: "🟡 offen – noch nicht übernommen",
      claimed: `🟢 übernommen von ${escapeHtml(record.claimedBy ?? "?")}`,
      closed: "✅ geschlossen",
      withdrawn: "↩️ von den Eltern zurückgezogen",
    }[record.status];
    const html = [
      `📋 <b>Fall #${record.number} · ${escapeHtml(topicName(bundle, "de", record.topic))}</b>`,
      `Stelle: ${escapeHtml(office?.name ?? record.office)}`,
      `Sprache: ${FLAGS[record.lang] ?? "🌐"} ${escapeHtml(language)} (${escapeHtml(record.lang)}) – bitte auf ${escapeHtml(language)} oder in einfachem Deutsch antworten`,
      `Weg im Bot: ${escapeHtml(record.path.join(" › ") || "–")}`,
      `Geteilte Antworten: ${answers || "keine"}`,
      `Nachricht: „${escapeHtml(record.message)}“`,
      `Kontakt: ${contact}`,
      `Wartet seit: ${since}`,
      `Status: ${status}`,
      record.thread === undefined && record.status !== "closed" && record.status !== "withdrawn"
        ? "↪️ Antworten an die Eltern: auf diese Nachricht antworten. /close schließt den Fall."
        : "",
    ]
      .filter(Boolean)
      .join("\n");
    const ref = `${record.office}.${record.number}`;
    const buttons =
      record.status === "open"
        ? [
            { text: "🙋 Übernehmen", callback_data: `1k${ref}` },
            { text: "✅ Schließen", callback_data: `1z${ref}` },
          ]
        : record.status === "claimed"
          ? [{ text: "✅ Schließen", callback_data: `1z${ref}` }]
          : [];
    return { html, buttons };
  }

  // ── The outbox: everything for a group, within 20 messages a minute ──────────────────────────

  /**
   * How long one drain holds a group, renewed after every job: one job with its retries fits in
   * it. Should a job take longer, another replica takes over, and the first one removes nothing.
   */
  const GROUP_LOCK_MS = 60_000;

  let draining = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  async function push(group: number, job: GroupJob): Promise<void> {
    await cases.push(group, job);
    kick();
  }

  /** The drain in progress, so that stopping can wait for it (and its group lock) to end. */
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;
  function kick(): void {
    if (stopped) return;
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    inFlight = drain()
      .catch((error: unknown) => logger.warn({ err: describe(error) }, "outbox drain failed"))
      .finally(() => {
        draining = false;
        if (again) {
          again = false;
          kick();
        }
      });
  }

  const cost = (job: GroupJob, forum: boolean) =>
    (job.type === "open" && forum) || (job.type === "note" && job.close) || job.type === "erase"
      ? 2
      : 1;

  async function drain(): Promise<void> {
    if (!api) return;
    for (const group of await cases.groupsWithJobs()) {
      const token = await cases.lockGroup(group, GROUP_LOCK_MS);
      if (!token) continue;
      try {
        for (;;) {
          const job = await cases.peek(group);
          if (!job) break;
          if (job.type === "unreadable") {
            logger.warn({ group, reason: job.reason }, "unreadable group job dropped");
            if (await cases.shift(group, token, GROUP_LOCK_MS)) continue;
            break;
          }
          const forum = await isForum(group).catch((error: unknown) => error);
          if (typeof forum !== "boolean") {
            // One unreachable group must not hold up the others.
            const gone = refusedForGood(forum);
            logger.error(
              { group, err: describe(forum) },
              gone
                ? "office group not reachable: its messages are dropped (is the bot still a member?)"
                : "office group not reachable: will retry",
            );
            if (gone) await cases.shift(group, token, GROUP_LOCK_MS);
            break;
          }
          const used = await cases.sentSince(group, now() - budget.windowMs);
          if (used + cost(job, forum) > budget.max) break;
          const result = await perform(group, job, forum);
          if (result === "retry") break;
          if (!(await cases.shift(group, token, GROUP_LOCK_MS))) {
            logger.warn({ group }, "group lock ran out during a job; another drain goes on");
            break;
          }
        }
      } finally {
        await cases.unlockGroup(group, token);
      }
    }
  }

  /** One Bot API call to a group, counted against its budget. */
  async function call<T>(group: number, send: () => Promise<T>): Promise<T> {
    await cases.recordSent(group, now(), budget.windowMs);
    return send();
  }

  async function perform(group: number, job: GroupJob, forum: boolean): Promise<"done" | "retry"> {
    const telegram = api!;
    try {
      switch (job.type) {
        case "open": {
          const record = await cases.get(job.caseId);
          if (!record || record.status === "withdrawn") return "done";
          let thread = record.thread;
          if (forum && thread === undefined) {
            const bundle = content.current();
            const name = `#${record.number} · ${topicName(bundle, "de", record.topic)} · ${FLAGS[record.lang] ?? "🌐"} ${record.lang}`;
            const topic = await call(group, () =>
              telegram.createForumTopic(group, name.slice(0, 128)),
            );
            thread = topic.message_thread_id;
            await cases.update(record.id, { thread });
            await cases.link(group, thread, record.id, options.openTtlSeconds);
            // Withdrawn while the topic was being made: its erase job deletes the topic.
            if ((await cases.get(record.id))?.status === "withdrawn") return "done";
          }
          const { html, buttons } = card({ ...record, ...(thread !== undefined && { thread }) });
          const sent = await call(group, () =>
            telegram.sendMessage(group, html, {
              parse_mode: "HTML",
              ...(thread !== undefined && { message_thread_id: thread }),
              reply_markup: { inline_keyboard: [buttons] },
            }),
          );
          await cases.update(record.id, { card: sent.message_id });
          await cases.link(group, sent.message_id, record.id, options.openTtlSeconds);
          return "done";
        }
        case "card": {
          const record = await cases.get(job.caseId);
          if (!record || record.card === undefined) return "done";
          const { html, buttons } = card(record);
          await call(group, () =>
            telegram.editMessageText(group, record.card!, html, {
              parse_mode: "HTML",
              reply_markup: { inline_keyboard: buttons.length ? [buttons] : [] },
            }),
          );
          return "done";
        }
        case "copy": {
          const record = await cases.get(job.caseId);
          if (!record || record.status === "closed" || record.status === "withdrawn") return "done";
          const copied = await call(group, () =>
            telegram.copyMessage(group, job.fromChat, job.messageId, {
              ...(record.thread !== undefined
                ? { message_thread_id: record.thread }
                : record.card !== undefined && {
                    reply_parameters: {
                      message_id: record.card,
                      allow_sending_without_reply: true,
                    },
                  }),
            }),
          );
          await cases.link(group, copied.message_id, record.id, options.openTtlSeconds);
          return "done";
        }
        case "note": {
          const record = job.caseId ? await cases.get(job.caseId) : undefined;
          const sent = await call(group, () =>
            telegram.sendMessage(group, job.html, {
              parse_mode: "HTML",
              ...(record?.thread !== undefined
                ? { message_thread_id: record.thread }
                : record?.card !== undefined && {
                    reply_parameters: {
                      message_id: record.card,
                      allow_sending_without_reply: true,
                    },
                  }),
            }),
          );
          // In a plain group, a reply to the note reaches the case like a reply to its card.
          if (record && record.thread === undefined)
            await cases.link(group, sent.message_id, record.id, options.openTtlSeconds);
          if (job.close && record?.thread !== undefined)
            await call(group, () => telegram.closeForumTopic(group, record.thread!));
          return "done";
        }
        case "erase": {
          // Where the case's messages are is read now, not when the parent asked: a job that was
          // in flight then (a topic being created, a message being copied) has added its own.
          const record = job.caseId ? await cases.get(job.caseId) : undefined;
          const thread = record?.thread ?? job.thread;
          const messages = job.caseId
            ? [
                ...new Set([
                  ...(await cases.groupMessages(job.caseId)),
                  ...(record?.card !== undefined ? [record.card] : []),
                ]),
              ]
            : (job.messages ?? []);
          try {
            if (thread !== undefined) {
              await call(group, () => telegram.deleteForumTopic(group, thread));
            } else {
              for (let i = 0; i < messages.length; i += 100)
                await call(group, () => telegram.deleteMessages(group, messages.slice(i, i + 100)));
            }
          } catch (error) {
            // Already gone, or too old for the bot to delete: the note tells the team. Anything
            // else (too many requests, the network) is tried again with the whole job.
            if (!refusedForGood(error)) throw error;
            logger.warn({ group, err: describe(error) }, "case messages not deleted in the group");
          }
          await call(group, () => telegram.sendMessage(group, job.html, { parse_mode: "HTML" }));
          if (job.caseId) await cases.remove(job.caseId);
          return "done";
        }
      }
    } catch (error) {
      if (refusedForGood(error)) {
        logger.warn({ group, job: job.type, err: describe(error) }, "group job dropped");
        return "done";
      }
      logger.warn({ group, job: job.type, err: describe(error) }, "group job will be retried");
      return "retry";
    }
  }

  async function isForum(group: number): Promise<boolean> {
    const cached = forums.get(group);
    if (cached && cached.until > now()) return cached.forum;
    const chat = await api!.getChat(group);
    const forum = "is_forum" in chat && chat.is_forum === true;
    forums.set(group, { forum, until: now() + 10 * 60_000 });
    return forum;
  }

  async function isMember(group: number, userId: number): Promise<boolean> {
    const key = `${group}:${userId}`;
    const cached = members.get(key);
    if (cached && cached.until > now()) return cached.ok;
    let ok = false;
    try {
      const member = await api!.getChatMember(group, userId);
      ok =
        member.status === "creator" ||
        member.status === "administrator" ||
        member.status === "member" ||
        (member.status === "restricted" && member.is_member);
    } catch (error) {
      logger.warn({ err: describe(error) }, "could not check group membership");
    }
    members.set(key, { ok, until: now() + MEMBER_CACHE_MS });
    return ok;
  }

  // ── Reminders ─────────────────────────────────────────────────────────────────────────────

  async function remind(): Promise<void> {
    if (!api || !(await cases.once("remind", 50_000))) return;
    const list = offices();
    if (!list) return;
    const byGroup = new Map<number, string[]>();
    const every = options.reminderMinutes * 60_000;
    for (const office of list.offices.values()) {
      if (!officeStatus(office, new Date(now())).open) continue;
      for (const id of await cases.waiting(office.id, now() - every)) {
        const record = await cases.get(id);
        if (!record || record.status !== "open") continue;
        // Once per reminder time, not at every check.
        if (record.remindedAt !== undefined && now() - record.remindedAt < every) continue;
        await cases.update(record.id, { remindedAt: now() });
        // Reminded where the case is, even if the office has moved to another group since.
        const group = record.groupChat;
        const waited = Math.round((now() - record.createdAt) / 60_000);
        const lines = byGroup.get(group) ?? [];
        lines.push(
          `• #${record.number} ${escapeHtml(topicName(content.current(), "de", record.topic))} (${escapeHtml(office.name)}) – wartet seit ${waited} Min.`,
        );
        byGroup.set(group, lines);
      }
    }
    // One message per group, however many cases wait.
    for (const [group, lines] of byGroup) {
      await push(group, {
        type: "note",
        html: `⏰ <b>${lines.length === 1 ? "1 Fall" : `${lines.length} Fälle`} noch nicht übernommen</b> (länger als ${options.reminderMinutes} Min.):\n${lines.slice(0, 40).join("\n")}`,
      });
    }
  }

  // ── Start: rights in every office group ───────────────────────────────────────────────────

  /** Checks the bot's rights in each office group; returns one line per problem (also logged). */
  async function checkGroups(): Promise<string[]> {
    const problems: string[] = [];
    const list = offices();
    if (!list) return problems;
    for (const office of list.offices.values()) {
      if (groupOf(office) === undefined)
        problems.push(
          `office "${office.id}" uses the default group, but CASEWORKER_CHAT_ID is not set: parents get its phone and address instead`,
        );
    }
    for (const group of groups()) {
      try {
        const chat = await api!.getChat(group);
        const forum = "is_forum" in chat && chat.is_forum === true;
        forums.set(group, { forum, until: now() + 10 * 60_000 });
        const me = await api!.getChatMember(group, (await api!.getMe()).id);
        if (me.status !== "administrator" && me.status !== "creator") {
          problems.push(
            `group ${group}: the bot is not an administrator there (it needs to be, to ${forum ? "open case topics" : "read replies"})`,
          );
        } else if (me.status === "administrator") {
          if (forum && !me.can_manage_topics)
            problems.push(
              `group ${group}: the bot lacks the right "Manage topics" (can_manage_topics)`,
            );
          if (!me.can_delete_messages)
            problems.push(
              `group ${group}: the bot lacks the right "Delete messages" (can_delete_messages), needed to erase a case the parent deletes`,
            );
        }
        if (!forum)
          logger.info(
            { group },
            "office group without topics: cases are card messages, answered by reply",
          );
      } catch (error) {
        problems.push(
          `group ${group}: not reachable (${describe(error).message}); is the bot a member?`,
        );
      }
    }
    for (const problem of problems)
      logger.error({ problem }, "handoff desk: office group not ready");
    return problems;
  }

  // ── Parents' side ─────────────────────────────────────────────────────────────────────────

  const intake = createIntake({ content, groupOf, open });

  async function startIntake(ctx: HandoffContext, topic?: string, service?: string) {
    const parent = parentOf(ctx);
    // A new request: whatever they write next belongs to it, not to the last case's rating.
    delete parent.session.rc;
    delete parent.session.ra;
    const list = parent.bundle.content.offices;
    const at = parent.session.e.at;
    const [flow = "main", step = ""] = (at ?? "main.").split(".");
    const chosen =
      topic ?? (list && topicAt(list, flow, step)) ?? Object.keys(list?.topics ?? {})[0];
    // No office takes requests in Telegram (no group configured): the contacts, without a form.
    if (groups().size === 0) {
      const single = list && Object.keys(list.regions).length <= 1;
      const office =
        single && chosen
          ? officeFor(list, service ?? list.topics[chosen]?.office ?? "", undefined)
          : undefined;
      const texts = parent.bundle.texts;
      await sendMessages(ctx, [
        {
          html: office
            ? texts.common(
                parent.lang,
                "handoff.unavailable",
                officeContacts(parent.bundle, parent.lang, office),
              )
            : texts.common(parent.lang, "handoff.offline"),
          buttons: [[{ label: texts.common(parent.lang, "nav.menu"), action: { type: "menu" } }]],
        },
      ]);
      return;
    }
    const args: IntakeArgs = {
      lang: parent.lang,
      topic: chosen ?? "general",
      ...(service !== undefined && { service }),
      path: [...parent.session.e.hist, ...(at ? [at] : [])],
      answers: parent.session.e.a,
    };
    if ("conversation" in ctx && ctx.conversation) {
      await ctx.conversation.exitAll();
      await ctx.conversation.enter(INTAKE, args);
      return;
    }
    opening.set(ctx, args);
    await openFormFor(ctx, async () => undefined);
  }

  /** The open case of this parent, if any; an ended one is forgotten. */
  async function openCaseOf(ctx: BotContext): Promise<Case | undefined> {
    const parent = parentOf(ctx);
    if (!parent.session.c) return undefined;
    const record = await cases.get(parent.session.c);
    if (record && (record.status === "open" || record.status === "claimed")) return record;
    delete parent.session.c;
    return undefined;
  }

  // The request form runs in the conversations plugin, whose state lives in the session (`i`).
  // The plugin is costly per update, so it runs only while a form is open or being opened.
  const withConversations = () => {
    const stack = new DirectComposer<HandoffContext>();
    stack.use(
      conversations<BotContext, Context>({
        storage: {
          type: "context",
          version: 1,
          adapter: {
            read: (ctx) => parentOf(ctx).session.i as never,
            write: (ctx, state) => {
              parentOf(ctx).session.i = state;
            },
            delete: (ctx) => {
              delete parentOf(ctx).session.i;
            },
          },
        },
      }) as never,
    );
    stack.use(createConversation(intake, { id: INTAKE, maxMillisecondsToWait: DAY_MS }) as never);
    return stack;
  };
  /** An open form takes the updates while it runs; commands and other buttons leave it. */
  const openForm = withConversations().middleware();
  /** Opens the form for an update that did not have one. */
  const opening = new WeakMap<HandoffContext, IntakeArgs>();
  const openingStack = withConversations();
  openingStack.use((ctx) => ctx.conversation.enter(INTAKE, opening.get(ctx)!));
  const openFormFor = openingStack.middleware();

  const parents = new DirectComposer<HandoffContext>();
  parents.use(async (ctx, next) => {
    parentOf(ctx).startHandoff = (topic, service) => startIntake(ctx, topic, service);
    if (parentOf(ctx).session.i === undefined) return next();
    await openForm(ctx, next);
  });

  // Commands about the open case.
  parents.command(["cancel", "menu", "start", "back", ...PERSON_COMMANDS], async (ctx, next) => {
    const record = await openCaseOf(ctx);
    const command = ctx.msg.text.slice(1).split(/[\s@]/)[0]!.toLowerCase();
    if (record) {
      const parent = parentOf(ctx);
      if (command === "cancel") {
        await withdraw(record, false);
        delete parent.session.c;
        return runEngine(ctx, { type: "start" }, [
          commonMessage(ctx, "handoff.withdrawn", { number: record.number }),
        ]);
      }
      return ctx.reply(
        parent.bundle.texts.common(parent.lang, "handoff.open_notice", {
          office: officeById(record.office)?.name ?? record.office,
        }),
        { parse_mode: "HTML" },
      );
    }
    if ((PERSON_COMMANDS as readonly string[]).includes(command)) return startIntake(ctx);
    if ("conversation" in ctx && ctx.conversation) await ctx.conversation.exitAll();
    await next();
  });

  // A rating after a closed case, and its optional comment.
  parents.callbackQuery(RATING_BUTTON, async (ctx) => {
    const parent = parentOf(ctx);
    const [, office, number, stars] = ctx.match;
    const record = await cases.get(`${office}:${number}`);
    await ctx.answerCallbackQuery();
    if (
      !record ||
      record.parentChat !== ctx.chat!.id ||
      record.status !== "closed" ||
      record.rating
    )
      return;
    await cases.update(record.id, { rating: Number(stars) });
    await cases.rate(record.office, Number(stars));
    parent.session.rc = record.id;
    parent.session.ra = now();
    await ctx.reply(parent.bundle.texts.common(parent.lang, "handoff.rated"), {
      parse_mode: "HTML",
    });
  });
  parents.callbackQuery(PERSON_BUTTON, async (ctx) => {
    await ctx.answerCallbackQuery();
    const record = await openCaseOf(ctx);
    if (record) {
      const parent = parentOf(ctx);
      return ctx.reply(
        parent.bundle.texts.common(parent.lang, "handoff.open_notice", {
          office: officeById(record.office)?.name ?? record.office,
        }),
        { parse_mode: "HTML" },
      );
    }
    return startIntake(ctx);
  });

  // While a case is open, the flows stay out of the way: messages go to the office.
  parents.use(async (ctx, next) => {
    const parent = parentOf(ctx);
    if (ctx.callbackQuery?.data?.startsWith(INTAKE_PREFIX)) {
      // A button of a form that has ended.
      await ctx.answerCallbackQuery();
      return runEngine(ctx, { type: "show" }, [commonMessage(ctx, "notice.button_outdated")]);
    }
    const comment = parent.session.rc;
    if (comment) {
      // Only the next text soon after the rating, and never while another case is open.
      const fresh = !parent.session.c && now() - (parent.session.ra ?? 0) < COMMENT_WINDOW_MS;
      delete parent.session.rc;
      delete parent.session.ra;
      const text = ctx.message?.text;
      if (fresh && text !== undefined && !text.startsWith("/")) {
        const record = await cases.get(comment);
        if (record)
          await push(record.groupChat, {
            type: "note",
            caseId: record.id,
            html: `⭐ Bewertung ${record.rating ?? "?"}/5 mit Kommentar der Eltern: „${escapeHtml(text.slice(0, 1000))}“`,
          });
        return ctx.reply(parent.bundle.texts.common(parent.lang, "handoff.comment_thanks"));
      }
    }
    if (!parent.session.c) return next();
    const record = await openCaseOf(ctx);
    if (!record) return next();
    const message = ctx.message;
    if (message && !message.text?.startsWith("/")) {
      await cases.touch(record, options.openTtlSeconds);
      await push(record.groupChat, {
        type: "copy",
        caseId: record.id,
        fromChat: message.chat.id,
        messageId: message.message_id,
      });
      return;
    }
    if (ctx.callbackQuery) {
      const data = ctx.callbackQuery.data ?? "";
      // Language and delete buttons still work; flow buttons wait until the case is closed.
      if (data.startsWith("1l") || data.startsWith("1d")) return next();
      return ctx.answerCallbackQuery({
        text: parent.bundle.texts
          .common(parent.lang, "handoff.open_notice", {
            office: officeById(record.office)?.name ?? record.office,
          })
          .replace(/<[^>]+>/g, "")
          .slice(0, 200),
        show_alert: true,
      });
    }
    return next();
  });

  /** /delete confirmed: the open case is withdrawn and its data erased. */
  async function eraseParent(ctx: BotContext): Promise<void> {
    const record = await openCaseOf(ctx);
    if (record) await withdraw(record, true);
  }

  // ── The desk: office groups ──────────────────────────────────────────────────────────────

  const desk = new DirectComposer<BotContext>();
  const officeGroup = desk.filter(
    (ctx) => ctx.chat !== undefined && ctx.chat.type !== "private" && groups().has(ctx.chat.id),
  );
  officeGroup.use(async (ctx, next) => {
    // Redelivered updates are skipped, and one update per group at a time across replicas.
    const begun = await sessions
      .begin({
        chatId: ctx.chat!.id,
        updateId: ctx.update.update_id,
        rateLimit: { max: 100_000, windowSeconds: 60 },
      })
      .catch(() => undefined);
    if (begun?.status === "duplicate") return;
    try {
      await next();
    } finally {
      if (begun?.status === "ready") await sessions.release(begun.lease).catch(() => undefined);
    }
  });
  officeGroup.callbackQuery(CASE_BUTTON, async (ctx) => {
    const [, action, office, number] = ctx.match;
    const group = ctx.chat!.id;
    if (!(await isMember(group, ctx.from.id))) {
      ctx.log.warn("case button from someone outside the office group ignored");
      return ctx.answerCallbackQuery({ text: "Nur für das Team dieser Stelle." });
    }
    const record = await cases.get(`${office}:${number}`);
    if (!record || record.groupChat !== group) {
      return ctx.answerCallbackQuery({ text: "Diesen Fall gibt es nicht mehr." });
    }
    const by = caseworkerName(ctx);
    if (action === "k") {
      const claimed = await cases.claim(record.id, by);
      await ctx.answerCallbackQuery({
        text: claimed ? "Übernommen." : "Der Fall ist schon übernommen oder beendet.",
      });
      if (claimed) await claimed_(record, ctx);
      return undefined;
    }
    await ctx.answerCallbackQuery({ text: "Wird geschlossen." });
    return close(record, by);
  });
  officeGroup.on("callback_query", (ctx) => ctx.answerCallbackQuery());
  officeGroup.on("message", async (ctx) => {
    const message = ctx.message;
    const anonymous = isAnonymousAdmin(ctx);
    if ((message.from.is_bot && !anonymous) || isService(message)) return;
    const group = ctx.chat.id;
    const ref =
      message.is_topic_message && message.message_thread_id !== undefined
        ? message.message_thread_id
        : message.reply_to_message?.message_id;
    if (ref === undefined) return;
    const id = await cases.byRef(group, ref);
    if (!id) return;
    if (!anonymous && !(await isMember(group, message.from.id))) {
      ctx.log.warn("message from someone outside the office group ignored");
      return;
    }
    const record = await cases.get(id);
    if (!record || record.status === "closed" || record.status === "withdrawn") return;
    if (/^\/close(@\w+)?$/.test(message.text ?? "")) return close(record, caseworkerName(ctx));
    if (message.text?.startsWith("/")) return;
    if (record.status === "open" && (await cases.claim(record.id, caseworkerName(ctx))))
      await claimed_(record, ctx, false);
    const bundle = content.current();
    const office = officeById(record.office);
    if (!record.greeted) {
      const header = office?.show_names
        ? parentText(bundle, record.lang, "handoff.header_named", {
            name: caseworkerName(ctx),
            office: office.name,
          })
        : parentText(bundle, record.lang, "handoff.header", {
            office: office?.name ?? record.office,
          });
      if (await toParent(record, header)) await cases.update(record.id, { greeted: 1 });
    }
    try {
      if (await sessions.isBlocked(record.parentChat)) throw new Error("blocked");
      await ctx.api.copyMessage(record.parentChat, group, message.message_id);
      await cases.touch(record, options.openTtlSeconds);
      // In a plain group, a reply to this message (a postscript) reaches the same case.
      if (record.thread === undefined)
        await cases.link(group, message.message_id, record.id, options.openTtlSeconds);
    } catch {
      await push(group, {
        type: "note",
        caseId: record.id,
        html: "⚠️ Die Nachricht konnte nicht zugestellt werden (die Eltern haben den Bot womöglich blockiert).",
      });
    }
  });

  async function claimed_(record: Case, ctx: BotContext, tellParent = true): Promise<void> {
    await push(record.groupChat, { type: "card", caseId: record.id });
    if (!tellParent) return;
    const office = officeById(record.office);
    await toParent(
      record,
      parentText(content.current(), record.lang, "handoff.claimed", {
        office: office?.name ?? record.office,
      }),
    );
    ctx.log.info({ case: record.id }, "case claimed");
  }

  return {
    parents,
    desk,
    eraseParent,
    checkGroups,
    remind,
    drain,
    /** Connects the desk to the Bot API and starts the outbox and reminder timers. */
    start(botApi: Api, tickMs = 1_000): void {
      api = botApi;
      let ticks = 0;
      timer = setInterval(() => {
        kick();
        if (++ticks % Math.max(1, Math.round(60_000 / tickMs)) === 0)
          void remind().catch((error: unknown) =>
            logger.warn({ err: describe(error) }, "reminders failed"),
          );
      }, tickMs);
      timer.unref();
      kick();
    },
    /** Stops the timers and waits for a drain in progress, so no group stays locked. */
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      await inFlight;
    },
  };
}

export type Handoff = ReturnType<typeof createHandoff>;

/** The name caseworkers see for a colleague; parents see it only where an office allows it. */
function caseworkerName(ctx: BotContext): string {
  // An anonymous admin is the team, not "Group".
  if (isAnonymousAdmin(ctx)) return "Team";
  return ctx.from?.first_name ?? "Team";
}

/** An admin who remains anonymous writes as the group itself (from: GroupAnonymousBot). */
function isAnonymousAdmin(ctx: BotContext): boolean {
  return ctx.msg?.sender_chat !== undefined && ctx.msg.sender_chat.id === ctx.chat?.id;
}

/**
 * Telegram refused the call for good (no rights, message gone, bad request): retrying cannot help.
 * Too many requests (429), server errors and the network are worth another try.
 */
function refusedForGood(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    error.error_code >= 400 &&
    error.error_code < 500 &&
    error.error_code !== 429
  );
}

function isService(message: Message): boolean {
  return (
    message.forum_topic_created !== undefined ||
    message.forum_topic_closed !== undefined ||
    message.forum_topic_reopened !== undefined ||
    message.forum_topic_edited !== undefined ||
    message.new_chat_members !== undefined ||
    message.left_chat_member !== undefined ||
    message.pinned_message !== undefined
  );
}

function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: "unknown", message: String(error) };
}
