/**
 * Entry point: config → mode → start → graceful shutdown on SIGTERM/SIGINT (stop taking updates,
 * finish the ones in flight, close Redis, exit 0). Without BOT_TOKEN it starts the local playground.
 */
import { writeSync } from "node:fs";
import { ContentError, startBotApp } from "./app.js";
import { ConfigError, parseConfig, type Config } from "./config.js";
import { createLogger } from "./logger.js";
import { PlaygroundRefusedError, startPlayground } from "./playground/start-playground.js";

/** Prints the reason and exits 1; written synchronously so that it is never lost on exit. */
function fail(message: string): never {
  writeSync(2, `${message}\n`);
  process.exit(1);
}

let config: Config;
try {
  config = parseConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message);
  throw error;
}

const logger = createLogger(config.logLevel);

async function main(): Promise<void> {
  if (!config.botToken) {
    // No token: the local playground, with the real bot talking to a Bot API emulator.
    let playground;
    try {
      playground = await startPlayground(config, {
        logger,
        allowProduction: config.playgroundInProduction,
      });
    } catch (error) {
      if (error instanceof PlaygroundRefusedError || error instanceof ContentError)
        fail(error.message);
      fail(
        `The playground could not start: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    writeSync(
      1,
      `\nPlayground: ${playground.url}  (the bot without Telegram; set BOT_TOKEN to run it for real)\n\n`,
    );
    const stop = () => void playground.stop().then(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    return;
  }
  let app;
  try {
    app = await startBotApp(config, { logger });
  } catch (error) {
    if (error instanceof ContentError) fail(error.message);
    fail(`The bot could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // Within the grace period of docker-compose.yml (30 s): an update held up longer than this
    // (a stalled request, a very long rate limit) must not keep the process from ending.
    setTimeout(() => {
      logger.error("shutdown took longer than 25 s; exiting with updates unfinished");
      process.exit(1);
    }, 25_000).unref();
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: String(error) }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

process.on("unhandledRejection", (reason) => {
  logger.error(
    { err: reason instanceof Error ? reason.message : String(reason) },
    "unhandled rejection",
  );
});

await main();
