/**
 * Starts the bot in polling or webhook mode from a parsed config, and stops it gracefully: stop
 * taking updates, finish the ones in flight, close the store.
 */
import { releaseStartupMemory } from "./runtime/release-startup-memory.js";
import { run, type RunnerHandle } from "@grammyjs/runner";
import type { Bot } from "grammy";
import type { Redis } from "ioredis";
import type { LanguageCode } from "grammy/types";
import type { Logger } from "pino";
import { createBot } from "./bot/create-bot.js";
import {
  createContentBundle,
  createContentSource,
  type ContentBundle,
  type ContentSource,
  type ReloadableContent,
} from "./bot/content-bundle.js";
import type { BotContext } from "./bot/context.js";
import type { Config } from "./config.js";
import { checkDirectory } from "./flow-files/check.js";
import { withoutSources } from "./flow-files/load.js";
import { formatProblem, sortProblems } from "./flow-files/problems.js";
import { COMMANDS } from "./i18n/common-keys.js";
import { createMetrics, type Metrics } from "./observability/metrics.js";
import { startHttpServer } from "./server/http-server.js";
import { createHandoff, type Handoff } from "./handoff/desk.js";
import { createMemoryUnansweredLog, createRedisUnansweredLog } from "./search/unanswered.js";
import { createMemoryCaseStore } from "./handoff/memory-case-store.js";
import { createRedisCaseStore } from "./handoff/redis-case-store.js";
import { createMemoryStore } from "./storage/memory-store.js";
import { createRedisStore } from "./storage/redis-store.js";
import type { RateLimit, SessionStore } from "./storage/session-store.js";

/** Content that cannot be served; the message lists every error with file and line. */
export class ContentError extends Error {
  override readonly name = "ContentError";
}

/** The result of checking content for serving: a bundle when it has no errors. */
export interface CheckedForServing {
  readonly bundle: ContentBundle | undefined;
  /** Formatted errors (file:line:column …), in file order. */
  readonly errors: string[];
  readonly warnings: string[];
}

/** Loads and checks the content; builds what the bot serves only from content without errors. */
export async function checkForServing(dir: string): Promise<CheckedForServing> {
  const { content, problems } = await checkDirectory(dir);
  const sorted = sortProblems(problems);
  const errors = sorted.filter((p) => p.severity === "error").map(formatProblem);
  const warnings = sorted.filter((p) => p.severity === "warning").map(formatProblem);
  // Serving needs no syntax trees or positions: let them go.
  const bundle =
    errors.length === 0 ? createContentBundle(withoutSources(content), "source") : undefined;
  return { bundle, errors, warnings };
}

/** Loads and checks the content; refuses content with errors. */
export async function loadCheckedContent(dir: string, logger: Logger): Promise<ReloadableContent> {
  const { bundle, errors, warnings } = await checkForServing(dir);
  if (!bundle) {
    throw new ContentError(
      `The content has ${errors.length} error(s); run npm run check:flows:\n${errors.join("\n")}`,
    );
  }
  if (warnings.length > 0) {
    logger.warn(
      { warnings: warnings.length },
      "content loaded with warnings (npm run check:flows lists them)",
    );
  }
  return createContentSource(bundle);
}

/** The update kinds the bot asks Telegram for. */
const ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"] as const;

export interface RunningApp {
  readonly bot: Bot<BotContext>;
  readonly mode: "polling" | "webhook";
  readonly httpPort: number;
  readonly metrics: Metrics;
  readonly store: SessionStore;
  /** The content being served. */
  readonly content: ContentSource;
  /** The caseworker desk (its reminder and outbox steps can be run directly). */
  readonly handoff: Handoff;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly logger: Logger;
  /** Content to serve instead of loading `config.contentDir` (the playground's hot reload). */
  readonly content?: ContentSource;
  readonly throttle?: boolean;
  /** Per-chat flood limit (the default suits parents; a benchmark raises it). */
  readonly rateLimit?: RateLimit;
  /** Serve /healthz and /metrics (and the webhook); the playground has its own page instead. */
  readonly httpServer?: boolean;
  /** Developer commands (/jump), for the playground only. */
  readonly devTools?: boolean;
  /** Host for the HTTP server; 0.0.0.0 in containers, 127.0.0.1 in tests. */
  readonly host?: string;
  /** Messages per window for each office group (Telegram's 20 a minute; tests shorten the window). */
  readonly groupBudget?: { readonly max: number; readonly windowMs: number };
  /** The clock for office hours and case times (tests pick a moment). */
  readonly now?: () => number;
}

/** Registers commands and descriptions in every language. Best effort: the bot runs without them. */
async function registerProfile(
  bot: Bot<BotContext>,
  content: ContentSource,
  logger: Logger,
): Promise<void> {
  const bundle = content.current();
  const { texts } = bundle;
  // Telegram takes two-letter codes; a variant such as de-simple is chosen inside the bot.
  const languages = [...bundle.content.languages]
    .filter(([code, l]) => l.status !== "beta" && /^[a-z]{2}$/.test(code))
    .map(([code]) => code as LanguageCode);
  try {
    for (const lang of [undefined, ...languages]) {
      const shown = lang ?? bundle.content.sourceLanguage;
      const scope = lang === undefined ? {} : { language_code: lang };
      await bot.api.setMyCommands(
        COMMANDS.map((command) => ({
          command,
          description: texts.common(shown, `command.${command}`),
        })),
        scope,
      );
      await bot.api.setMyDescription(texts.common(shown, "bot.description"), scope);
      await bot.api.setMyShortDescription(texts.common(shown, "bot.short_description"), scope);
    }
  } catch (error) {
    logger.warn(
      { err: error instanceof Error ? error.message : String(error) },
      "could not register commands and descriptions",
    );
  }
}

export async function startBotApp(config: Config, options: StartOptions): Promise<RunningApp> {
  const { logger } = options;
  if (!config.botToken) throw new Error("BOT_TOKEN is needed to run the bot.");
  const content = options.content ?? (await loadCheckedContent(config.contentDir, logger));
  if (!content.current().languages.has(config.defaultLanguage)) {
    throw new ContentError(
      `DEFAULT_LANGUAGE "${config.defaultLanguage}" is not a language in locales/languages.yaml.`,
    );
  }

  const metrics = createMetrics();
  let lastRedisLog = 0;
  let store: SessionStore & { client?: Redis };
  if (config.redisUrl) {
    store = createRedisStore({
      url: config.redisUrl,
      onError: (error) => {
        metrics.redisError();
        // Reconnects are retried every few hundred milliseconds: log the first, then every 30 s.
        if (Date.now() - lastRedisLog > 30_000) {
          lastRedisLog = Date.now();
          logger.warn({ err: error.message }, "redis connection error (retrying)");
        }
      },
    });
  } else {
    logger.warn(
      "REDIS_URL is not set: sessions live in memory and are lost on restart. Set REDIS_URL in production.",
    );
    store = createMemoryStore();
  }

  const cases = config.redisUrl ? createRedisCaseStore(store.client!) : createMemoryCaseStore();
  const handoff = createHandoff({
    content,
    cases,
    sessions: store,
    logger,
    defaultGroup: config.caseworkerChatId,
    openTtlSeconds: config.sessionTtlSeconds,
    closedTtlSeconds: config.caseTtlSeconds,
    reminderMinutes: config.caseReminderMinutes,
    ...(options.groupBudget && { groupBudget: options.groupBudget }),
    ...(options.now && { now: options.now }),
  });

  const bot = createBot({
    token: config.botToken,
    apiRoot: config.telegramApiRoot,
    content,
    store,
    logger,
    metrics,
    defaultLanguage: config.defaultLanguage,
    sessionTtlSeconds: config.sessionTtlSeconds,
    privacy: config.privacy,
    ...(options.throttle !== undefined && { throttle: options.throttle }),
    ...(options.rateLimit && { rateLimit: options.rateLimit }),
    ...(options.devTools && { devTools: true }),
    handoff,
    ...(config.logUnanswered && {
      unanswered: store.client
        ? createRedisUnansweredLog(store.client)
        : createMemoryUnansweredLog(),
    }),
  });
  await bot.init();
  await registerProfile(bot, content, logger);
  handoff.start(bot.api);
  await handoff.checkGroups();

  const health = async () => {
    if (!config.redisUrl) return { ok: true, redis: "not used" as const };
    const up = await store.ping();
    return { ok: up, redis: up ? ("up" as const) : ("down" as const) };
  };

  let runner: RunnerHandle | undefined;
  const server =
    options.httpServer === false && !config.webhook
      ? { port: 0, close: async () => undefined }
      : await startHttpServer({
          port: config.port,
          ...(options.host && { host: options.host }),
          logger,
          metrics,
          health,
          ...(config.webhook && {
            webhook: {
              path: new URL(config.webhook.url).pathname,
              secret: config.webhook.secret,
              handle: async (update: unknown) => {
                let reply: string | undefined;
                await bot.handleUpdate(update as never, {
                  send: (payload: string) => void (reply = payload),
                });
                return reply;
              },
            },
          }),
        });
  if (config.webhook) {
    await bot.api.setWebhook(config.webhook.url, {
      secret_token: config.webhook.secret,
      allowed_updates: ALLOWED_UPDATES,
    });
  } else {
    await bot.api.deleteWebhook();
    runner = run(bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES } } });
  }
  logger.info({ mode: config.webhook ? "webhook" : "polling", port: server.port }, "bot started");
  releaseStartupMemory();

  return {
    bot,
    content,
    mode: config.webhook ? "webhook" : "polling",
    httpPort: server.port,
    metrics,
    store,
    handoff,
    async stop() {
      // No new updates (polling stops fetching; the webhook answers 503, so Telegram sends them
      // again, to this bot's next process); the ones taken in are finished before Redis closes.
      if (runner?.isRunning()) await runner.stop();
      await server.close();
      await bot.idle();
      await handoff.stop();
      await store.close();
      logger.info("bot stopped");
    },
  };
}
