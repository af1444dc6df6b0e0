/**
 * `npm run unanswered [-- --lang uk]`: the questions the search could not answer in the last 30
 * days (kept only with SEARCH_LOG_UNANSWERED=true; digits, e-mail addresses and phone numbers are
 * removed), so editors see which keywords or pages are missing.
 */
import { parseArgs } from "node:util";
import { Redis } from "ioredis";
import { createRedisUnansweredLog } from "../search/unanswered.js";

const { values } = parseArgs({ options: { lang: { type: "string" } } });
const url = process.env.REDIS_URL;
if (!url) {
  console.error("REDIS_URL is needed: unanswered questions are kept in the bot's Redis.");
  process.exit(2);
}
const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
try {
  await redis.connect();
  const entries = await createRedisUnansweredLog(redis).list(values.lang);
  if (entries.length === 0) console.log("No unanswered questions kept.");
  for (const entry of entries)
    console.log(
      `${new Date(entry.at).toISOString().slice(0, 16)}  ${entry.lang.padEnd(9)}  ${entry.question}`,
    );
} finally {
  redis.disconnect();
}
