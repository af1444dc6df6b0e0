/**
 * `npm run ask -- --lang uk "Батько не платить аліменти"`: what the search answers, and its ranking
 * with scores, for editors improving keywords.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { createContentBundle } from "../bot/content-bundle.js";
import { loadContent } from "../flow-files/load.js";

const { values, positionals } = parseArgs({
  options: { lang: { type: "string", default: "de" }, root: { type: "string", default: "." } },
  allowPositionals: true,
});
const question = positionals.join(" ").trim();
if (!question) {
  console.error('Usage: npm run ask -- --lang <language> "<question>"');
  process.exit(2);
}
const { content } = await loadContent(resolve(values.root));
const bundle = createContentBundle(content);
const lang = values.lang;
if (!bundle.languages.has(lang)) {
  console.error(`Unknown language "${lang}". Languages: ${[...bundle.languages].join(", ")}`);
  process.exit(2);
}
const started = performance.now();
const answer = bundle.search.ask(lang, question);
const ms = performance.now() - started;
const decision =
  answer.kind === "answer"
    ? `answer: ${answer.step}`
    : answer.kind === "choices"
      ? `did you mean: ${answer.hits.map((h) => h.step).join(", ")}`
      : answer.kind;
console.log(`${decision}   (${ms.toFixed(2)} ms)\n`);
console.log("score    words  step                              title");
for (const hit of bundle.search.rank(lang, question).slice(0, 10)) {
  console.log(
    `${hit.score.toFixed(2).padStart(7)}  ${`${Math.round(hit.coverage * 100)}%`.padStart(5)}  ${hit.step.padEnd(32)}  ${hit.title.slice(0, 60)}`,
  );
}
