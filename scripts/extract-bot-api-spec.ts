/**
 * Extracts the compact Bot API spec the bot validates its calls against (src/telegram-api/
 * bot-api-spec.json) from the full machine-readable spec: every method and type with its fields,
 * their types, whether they are required, and the length limits the descriptions state.
 *
 *   npx tsx scripts/extract-bot-api-spec.ts [path/to/api.json]
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { extractSpec } from "../src/telegram-api/extract.js";

const source =
  process.argv[2] ??
  fileURLToPath(new URL("../../shared/telegram-bot-api/api.json", import.meta.url));
const target = fileURLToPath(new URL("../src/telegram-api/bot-api-spec.json", import.meta.url));
const spec = extractSpec(JSON.parse(await readFile(source, "utf8")));
await writeFile(target, `${JSON.stringify(spec)}\n`);
console.log(
  `${Object.keys(spec.methods).length} methods, ${Object.keys(spec.types).length} types → ${target}`,
);
