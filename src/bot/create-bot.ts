/**
 * The composition root: builds the bot from its dependencies and never starts it. `main.ts`
 * decides between polling and webhook; tests and the playground drive the same bot.
 */
import { autoRetry } from "@grammyjs/auto-retry";
import { sequentialize } from "@grammyjs/runner";
import { apiThrottler } from "@grammyjs/transformer-throttler";
import { Bot, GrammyError, HttpError, type Transformer } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Logger } from "pino";
import type { Metrics } from "../observability/metrics.js";
import { createTransport } from "../telegram-api/transport.js";
import type { RateLimit, SessionStore } from "../storage/session-store.js";
import type { ContentSource } from "./content-bundle.js";
import { contextClass, updateKind, type BotContext } from "./context.js";
import { DirectComposer } from "./composer.js";
import { createCallbacks } from "./features/callbacks.js";
import { createCommands, type PrivacyDetails } from "./features/commands.js";
import { createGroups } from "./features/groups.js";
import { createMessages } from "./features/messages.js";
import { createSessionGate } from "./features/session-gate.js";
import { telegramLanguage } from "../i18n/negotiate.js";
import type { Handoff } from "../handoff/desk.js";
import type { UnansweredLog } from "../search/unanswered.js";

export interface BotDeps {
  readonly token: string;
  readonly apiRoot: string;
  readonly content: ContentSource;
  readonly store: SessionStore;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly defaultLanguage: string;
  readonly sessionTtlSeconds: number;
  readonly privacy: PrivacyDetails;
  readonly rateLimit?: RateLimit;
  /** Known bot identity: skips `getMe` at start (tests, benchmarks). */
  readonly botInfo?: UserFromGetMe;
  /**
   * Keep to Telegram's outbound limits (about 1 message/s per chat, 20/min per group, 30/s
   * overall). On by default; only a benchmark against a local stand-in turns it off.
   */
  readonly throttle?: boolean;
  /** Developer commands (/jump <flow.step> [language]); only the local playground turns them on. */
  readonly devTools?: boolean;
  /** The caseworker desk: request form, cases, relay (absent: parents get the offices' contacts). */
  readonly handoff?: Handoff;
  /** Keeps questions the search could not answer (the operator's choice; off by default). */
  readonly unanswered?: UnansweredLog;
}

/** Generous for people, tight for floods: 40 updates a minute per chat. */
export const DEFAULT_RATE_LIMIT: RateLimit = { max: 40, windowSeconds: 60 };

/** A chat that blocked the bot is marked, so that nothing more is sent to it (relays, reminders). */
function markBlockedChats(store: SessionStore, ttlSeconds: number, logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    const response = await prev(method, payload, signal);
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    if (!response.ok && response.error_code === 403 && typeof chatId === "number" && chatId > 0) {
      logger.info({ method }, "chat blocked the bot; marked");
      await store.markBlocked(chatId, ttlSeconds).catch(() => undefined);
    }
    return response;
  };
}

/** The bot, and a way to wait until every update it has taken in is handled (for shutdown). */
export type AssistantBot = Bot<BotContext> & { idle(): Promise<void> };

export function createBot(deps: BotDeps): AssistantBot {
  const bot = new Bot<BotContext>(deps.token, {
    client: {
      apiRoot: deps.apiRoot,
      fetch: createTransport() as unknown as typeof fetch,
      // In webhook mode the answer to a button tap rides on the webhook's HTTP response, sent when
      // the update is handled: one request to Telegram less per tap, and its result (always
      // `true`) is never needed.
      canUseWebhookReply: (method) => method === "answerCallbackQuery",
    },
    ...(deps.botInfo && { botInfo: deps.botInfo }),
    ContextConstructor: contextClass(deps.logger),
  });

  // Outbound: retry 429 (after retry_after), 5xx and network errors; then the limits.
  bot.api.config.use(
    autoRetry({
      maxRetryAttempts: 4,
      maxDelaySeconds: 30,
      rethrowInternalServerErrors: false,
      rethrowHttpErrors: false,
    }),
  );
  if (deps.throttle !== false) {
    bot.api.config.use(
      apiThrottler({
        // A short burst per chat (an answer and its menu), then about one message a second.
        out: {
          maxConcurrent: 1,
          reservoir: 3,
          reservoirIncreaseAmount: 1,
          reservoirIncreaseInterval: 1000,
          reservoirIncreaseMaximum: 3,
        },
      }),
    );
  }
  bot.api.config.use(markBlockedChats(deps.store, deps.sessionTtlSeconds, deps.logger));

  // Outside the error boundary (a middleware before it, a forged update): logged, never printed.
  bot.catch((error) =>
    deps.logger.error(
      { update_id: error.ctx.update.update_id, err: describeError(error.error) },
      "update failed outside the error boundary",
    ),
  );

  // The update's way through the features: one list, run directly (see DirectComposer).
  const root = new DirectComposer<BotContext>();
  bot.use(root);

  // 0. Every update from its first middleware to its last, waits for its chat included: what a
  //    shutdown waits for before it closes Redis.
  const inFlight = new Set<Promise<void>>();
  root.use((_ctx, next) => {
    const work = next();
    inFlight.add(work);
    const done = () => void inFlight.delete(work);
    work.then(done, done);
    return work;
  });

  // 1. One update per chat at a time in this process (across processes: the session lock).
  root.use(sequentialize((ctx) => ctx.chat?.id.toString()));

  // 2. Error boundary, logging and metrics. Logs carry the update id, never texts or names.
  root.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    const kind = updateKind(ctx.update);
    try {
      await next();
    } catch (error) {
      deps.metrics.error(
        error instanceof GrammyError
          ? `api_${error.error_code}`
          : error instanceof HttpError
            ? "network"
            : "handler",
      );
      if (error instanceof GrammyError && error.error_code === 403) {
        ctx.log.info("could not answer: the chat blocked the bot");
        return;
      }
      ctx.log.error({ err: describeError(error) }, "update failed");
      await apologize(ctx, deps).catch(() => undefined);
    } finally {
      deps.metrics.updateHandled(Number(process.hrtime.bigint() - started) / 1e9, kind);
    }
  });

  // 3. Office groups: the caseworker desk. Other groups: never talk to parents there.
  if (deps.handoff) root.use(deps.handoff.desk);
  root.use(createGroups(deps.content, deps.defaultLanguage));

  // 4. Private chats: the parent's session for the rest of the chain.
  root.use(
    createSessionGate({
      store: deps.store,
      content: deps.content,
      metrics: deps.metrics,
      defaultLanguage: deps.defaultLanguage,
      sessionTtlSeconds: deps.sessionTtlSeconds,
      rateLimit: deps.rateLimit ?? DEFAULT_RATE_LIMIT,
    }),
  );

  const unanswered = deps.unanswered;
  if (unanswered)
    root.use((ctx, next) => {
      const parent = ctx.parent;
      if (parent)
        parent.onUnanswered = (question) =>
          unanswered.record(parent.lang, question).catch((error: unknown) => {
            ctx.log.warn({ err: String(error) }, "could not keep an unanswered question");
          });
      return next();
    });

  // 5. Features, in order: the handoff (request form, open case), commands, button taps, typed
  //    text and other messages.
  if (deps.handoff) root.use(deps.handoff.parents as never);
  root.use(createCommands(deps.privacy, deps.sessionTtlSeconds, deps.devTools === true));
  root.use(createCallbacks(deps.handoff?.eraseParent));
  root.use(createMessages());

  // 6. Unhandled: other update kinds (chat member changes, reactions, …) need no answer.
  root.use((ctx) => ctx.log.debug("update kind not handled"));

  return Object.assign(bot, {
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  });
}

/** An error as a log field: its class and message, never the update's content. */
function describeError(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: "unknown", message: String(error) };
}

/** The parent gets a short apology in their language, never a stack trace. */
async function apologize(ctx: BotContext, deps: BotDeps): Promise<void> {
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
  if (ctx.chat?.type !== "private") return;
  const bundle = deps.content.current();
  const lang =
    ctx.parent?.lang ??
    telegramLanguage(ctx.from?.language_code, bundle.languages, deps.defaultLanguage);
  await ctx.api.sendMessage(ctx.chat.id, bundle.texts.common(lang, "error.generic"), {
    parse_mode: "HTML",
  });
}
