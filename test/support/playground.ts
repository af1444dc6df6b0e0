/** A playground on a temporary copy of the real content, so tests may edit and break its files. */
import { pino } from "pino";
import { parseConfig } from "../../src/config.js";
import { startPlayground, type Playground } from "../../src/playground/start-playground.js";
import { createContentDir } from "../factories.js";
import { freePort } from "./redis-server.js";

export async function startTestPlayground(): Promise<{ playground: Playground; root: string }> {
  const root = await createContentDir();
  const config = parseConfig({
    CONTENT_DIR: root,
    PLAYGROUND_PORT: String(await freePort()),
    LOG_LEVEL: "silent",
  });
  const playground = await startPlayground(config, { logger: pino({ level: "silent" }) });
  return { playground, root };
}
