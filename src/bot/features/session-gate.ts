/**
 * The session gate for private chats: one store round trip in (deduplicate, rate-limit, lock,
 * read), the features, one round trip out (write, unlock). A Redis outage is answered with a
 * friendly "temporarily unavailable", never a crash or a hang.
 */
import type { Middleware } from "grammy";
import { negotiateLanguage, telegramLanguage } from "../../i18n/negotiate.js";
import type { Metrics } from "../../observability/metrics.js";
import {
  LOCK_TTL_MS,
  StoreUnavailableError,
  type Lease,
  type RateLimit,
  type SessionStore,
} from "../../storage/session-store.js";
import type { ContentSource } from "../content-bundle.js";
import type { BotContext } from "../context.js";
import { readSession, writeSession } from "../session.js";

export interface SessionGateOptions {
  readonly store: SessionStore;
  readonly content: ContentSource;
  readonly metrics: Metrics;
  readonly defaultLanguage: string;
  readonly sessionTtlSeconds: number;
  readonly rateLimit: RateLimit;
}

/** How often the locks of updates in progress are renewed: well within a lock's time. */
const RENEW_EVERY_MS = LOCK_TTL_MS / 3;
/** An update is not kept locked longer than this, however slow: a hung one must not block its chat. */
const MAX_HOLD_MS = 60_000;

export function createSessionGate(options: SessionGateOptions): Middleware<BotContext> {
  const { store, content, metrics } = options;

  // The locks of the updates in progress, renewed together by one timer while there are any: an
  // update slowed down by Telegram (a long retry-after) keeps its chat and saves its session.
  const held = new Map<Lease, number>();
  let renewal: NodeJS.Timeout | undefined;
  const renew = () => {
    const now = Date.now();
    for (const [lease, since] of held)
      if (now - since < MAX_HOLD_MS) void store.extend(lease).catch(() => undefined);
  };
  const hold = (lease: Lease) => {
    held.set(lease, Date.now());
    if (!renewal) {
      renewal = setInterval(renew, RENEW_EVERY_MS);
      renewal.unref();
    }
  };
  const letGo = (lease: Lease) => {
    held.delete(lease);
    if (held.size === 0 && renewal) {
      clearInterval(renewal);
      renewal = undefined;
    }
  };

  return async (ctx, next) => {
    const chatId = ctx.chat?.id;
    if (chatId === undefined || ctx.chat?.type !== "private") return;
    const bundle = content.current();
    // Only the error paths below, before a session is read, need Telegram's language.
    const fallbackLanguage = () =>
      telegramLanguage(ctx.from?.language_code, bundle.languages, options.defaultLanguage);
    const say = async (key: "error.unavailable" | "rate.limited" | "error.busy") => {
      await ctx.api.sendMessage(chatId, bundle.texts.common(fallbackLanguage(), key), {
        parse_mode: "HTML",
      });
    };
    // In a private chat only its own user acts; a tap on another chat's message never touches that chat.
    if (ctx.from !== undefined && ctx.from.id !== chatId) {
      if (ctx.callbackQuery) {
        await ctx.answerCallbackQuery({
          text: bundle.texts.common(fallbackLanguage(), "callback.not_yours"),
        });
      }
      ctx.log.info("update from someone other than the chat's user ignored");
      return;
    }

    let begun;
    try {
      begun = await store.begin({
        chatId,
        updateId: ctx.update.update_id,
        rateLimit: options.rateLimit,
      });
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
      metrics.redisError();
      ctx.log.warn(
        { err: error.cause instanceof Error ? error.cause.message : String(error.cause) },
        "session store unavailable",
      );
      if (ctx.callbackQuery) await ctx.answerCallbackQuery();
      await say("error.unavailable");
      return;
    }
    switch (begun.status) {
      case "duplicate":
        ctx.log.debug("duplicate update skipped");
        // Its first answer may have been lost with the connection: no endless spinner.
        if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
        return;
      case "limited":
        ctx.log.info({ notified: begun.notify }, "chat rate-limited");
        if (ctx.callbackQuery) await ctx.answerCallbackQuery();
        if (begun.notify) await say("rate.limited");
        return;
      case "busy":
        ctx.log.warn("chat held by another process for too long");
        if (ctx.callbackQuery) await ctx.answerCallbackQuery();
        await say("error.busy");
        return;
      case "ready":
        break;
    }

    const read = readSession(begun.raw, bundle.content.flows.hash);
    if (read.status === "corrupt")
      ctx.log.warn({ reason: read.reason }, "stored session unreadable, starting fresh");
    const negotiated = negotiateLanguage(
      read.session.lang,
      ctx.from?.language_code,
      bundle.languages,
      options.defaultLanguage,
    );
    bundle.search.prepare(negotiated.lang);
    ctx.parent = {
      session: read.session,
      lang: negotiated.lang,
      askLanguage: negotiated.ask && read.session.lang === undefined,
      bundle,
      erase: false,
    };
    metrics.chatActive(chatId);

    let handled = false;
    hold(begun.lease);
    try {
      await next();
      handled = true;
    } finally {
      letGo(begun.lease);
      try {
        if (handled) {
          const raw = ctx.parent.erase ? null : writeSession(ctx.parent.session);
          const written = await store.finish(begun.lease, raw, options.sessionTtlSeconds);
          if (!written)
            ctx.log.warn("chat lock expired before the session was saved; the change was dropped");
        } else {
          await store.release(begun.lease);
        }
      } catch (error) {
        metrics.redisError();
        ctx.log.warn(
          { err: error instanceof Error ? error.message : String(error) },
          "could not save the session",
        );
      }
    }
  };
}
