/**
 * The local playground: the real bot, pointed through `TELEGRAM_API_ROOT` at a Bot API emulator
 * on 127.0.0.1, and a web page that looks like Telegram on a phone. Saving a file in `flows/` or
 * `locales/` re-runs the checker and reloads the content; on errors the page shows them and the
 * bot keeps serving the last good content.
 */
import { watch, type FSWatcher } from "node:fs";
import { join, resolve } from "node:path";
import type { Logger } from "pino";
import { checkForServing, loadCheckedContent, startBotApp, type RunningApp } from "../app.js";
import { parseConfig, type Config } from "../config.js";
import { BotApiEmulator } from "../telegram-api/emulator.js";
import { startPlaygroundWeb } from "./web.js";

/** The office group the playground creates, so that the caseworker pane has something to show. */
export const PLAYGROUND_GROUP_ID = -1_001_000_000_001;
export const PLAYGROUND_CASEWORKER_ID = 900_001;

export interface ContentStatus {
  readonly ok: boolean;
  /** Formatted problems (file:line:column …) of the last check. */
  readonly problems: readonly string[];
  readonly checkedAt: string;
}

export interface Playground {
  readonly url: string;
  readonly emulator: BotApiEmulator;
  readonly app: RunningApp;
  readonly status: () => ContentStatus;
  /** Re-checks and reloads the content now (the watcher calls it on every save). */
  reload(): Promise<ContentStatus>;
  stop(): Promise<void>;
}

export class PlaygroundRefusedError extends Error {
  override readonly name = "PlaygroundRefusedError";
}

export interface PlaygroundOptions {
  readonly logger: Logger;
  /** Allow NODE_ENV=production (PLAYGROUND_IN_PRODUCTION=1). */
  readonly allowProduction?: boolean;
  /** Watch flows/ and locales/ for changes (default true). */
  readonly watch?: boolean;
}

export async function startPlayground(
  config: Config,
  options: PlaygroundOptions,
): Promise<Playground> {
  const { logger } = options;
  if (config.production && !options.allowProduction) {
    throw new PlaygroundRefusedError(
      "The playground does not start with NODE_ENV=production: it is a local tool. Set BOT_TOKEN to run the bot, or PLAYGROUND_IN_PRODUCTION=1 if you really mean it.",
    );
  }
  const contentDir = resolve(config.contentDir);
  const source = await loadCheckedContent(contentDir, logger);
  let status: ContentStatus = { ok: true, problems: [], checkedAt: new Date().toISOString() };

  const emulator = await new BotApiEmulator({ token: "123456:PLAYGROUND-local" }).start();
  emulator.createUser({
    id: PLAYGROUND_CASEWORKER_ID,
    first_name: "Sachbearbeitung",
    language_code: "de",
  });
  const groupId = config.caseworkerChatId ?? PLAYGROUND_GROUP_ID;
  emulator.createGroup({
    id: groupId,
    title: "Jugendamt (Playground)",
    is_forum: true,
    members: {
      [PLAYGROUND_CASEWORKER_ID]: "administrator",
      [emulator.botUser.id]: "administrator",
    },
  });

  const botConfig: Config = parseConfig({
    BOT_TOKEN: emulator.token,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    ...(config.redisUrl && { REDIS_URL: config.redisUrl }),
    CASEWORKER_CHAT_ID: String(groupId),
    DEFAULT_LANGUAGE: config.defaultLanguage,
    SESSION_TTL_DAYS: String(Math.round(config.sessionTtlSeconds / 86_400)),
    LOG_LEVEL: config.logLevel,
    CONTENT_DIR: contentDir,
  });
  const app = await startBotApp(botConfig, {
    logger,
    content: source,
    httpServer: false,
    devTools: true,
  });

  const web = await startPlaygroundWeb({
    port: config.playgroundPort,
    emulator,
    content: source,
    groupId,
    caseworkerId: PLAYGROUND_CASEWORKER_ID,
    status: () => status,
    store: app.store,
  });
  const reload = async (): Promise<ContentStatus> => {
    const { bundle, errors, warnings } = await checkForServing(contentDir);
    if (bundle) {
      source.replace(bundle);
      status = { ok: true, problems: warnings, checkedAt: new Date().toISOString() };
      logger.info("content reloaded");
    } else {
      status = { ok: false, problems: errors, checkedAt: new Date().toISOString() };
      logger.warn(
        { errors: errors.length },
        "content has errors; the bot keeps serving the last good version",
      );
    }
    web.broadcast("content", status);
    return status;
  };

  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  if (options.watch !== false) {
    for (const dir of ["flows", "locales"]) {
      const watcher = watch(join(contentDir, dir), { recursive: true }, () => {
        clearTimeout(timer);
        timer = setTimeout(
          () =>
            void reload().catch((e: unknown) => logger.error({ err: String(e) }, "reload failed")),
          100,
        );
      });
      watchers.push(watcher);
    }
  }
  emulator.on("violation", (violations: string[]) =>
    logger.warn({ violations }, "a Bot API call broke the spec"),
  );

  return {
    url: web.url,
    emulator,
    app,
    status: () => status,
    reload,
    async stop() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
      await web.close();
      await app.stop();
      await emulator.stop();
    },
  };
}
