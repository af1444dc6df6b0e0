// Benchmark target: this bot in webhook mode on real Redis, run from the compiled build as in
// production, with the outbound throttle off (the stand-in is not Telegram) and the flood limit
// raised (the load is not a person). Deduplication, the per-chat lock and the rate-limit counter
// all still run.
import { startBotApp } from "../../dist/app.js";
import { parseConfig } from "../../dist/config.js";
import { createLogger } from "../../dist/logger.js";

const config = parseConfig(process.env);
const app = await startBotApp(config, {
  logger: createLogger("warn"),
  throttle: false,
  rateLimit: { max: 1_000_000_000, windowSeconds: 60 },
  host: "127.0.0.1",
});
process.send?.({ ready: true, port: app.httpPort });
process.on("SIGTERM", () => void app.stop().then(() => process.exit(0)));
