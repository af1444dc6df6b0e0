/**
 * `npx tsx bench/search-libraries.ts`: MiniSearch (the search the bot uses) against Orama on the
 * same documents, analyzers and field boosts, ranked on test/fixtures/questions.yaml: top-1 and
 * top-3 of the ranking (before the answer policy) per language, and the time per question.
 */
import { create, insertMultiple, search as oramaSearch } from "@orama/orama";
import { createContentBundle } from "../src/bot/content-bundle.js";
import { loadContent } from "../src/flow-files/load.js";
import { analyzerFor } from "../src/search/analyze.js";
import { loadQuestions } from "../src/search/evaluate.js";
import { BOOST } from "../src/search/search.js";

const { content } = await loadContent(process.cwd());
const bundle = createContentBundle(content);
const questions = await loadQuestions("test/fixtures/questions.yaml");
const answerable = questions.filter((q) => Array.isArray(q.expect));

type Ranker = (lang: string, question: string) => string[];

const minisearch: Ranker = (lang, question) =>
  bundle.search.rank(lang, question).map((hit) => hit.step);

const oramaIndexes = new Map<string, Awaited<ReturnType<typeof buildOrama>>>();
async function buildOrama(lang: string) {
  const analyzer = analyzerFor(lang);
  const german = analyzerFor(content.sourceLanguage);
  const db = create({
    schema: {
      step: "string",
      title: "string",
      labels: "string",
      keywords: "string",
      de: "string",
      body: "string",
    } as const,
    components: {
      tokenizer: {
        language: "english",
        normalizationCache: new Map(),
        tokenize: (raw: string, _language?: string, prop?: string) =>
          prop === "de"
            ? german.terms(raw)
            : raw.includes("\u0000")
              ? raw.split("\u0000")
              : analyzer.terms(raw),
      },
    },
  });
  await insertMultiple(
    db,
    bundle.search.documents(lang).map((d) => ({ ...d, id: String(d.id) })),
  );
  return db;
}
for (const lang of bundle.languages) oramaIndexes.set(lang, await buildOrama(lang));

const orama = (lang: string, question: string): string[] => {
  const db = oramaIndexes.get(lang)!;
  const terms = analyzerFor(lang).terms(question);
  const result = oramaSearch(db, {
    term: terms.join("\u0000"),
    properties: ["title", "labels", "keywords", "de", "body"],
    boost: BOOST,
    tolerance: 1,
    limit: 10,
  }) as { hits: Array<{ document: { step: string } }> };
  return result.hits.map((hit) => hit.document.step);
};

function measure(name: string, rank: Ranker) {
  const per = new Map<string, { n: number; top1: number; top3: number }>();
  for (const q of answerable) rank(q.lang, q.q); // warm-up
  const times: number[] = [];
  for (const q of answerable) {
    const started = performance.now();
    const steps = rank(q.lang, q.q);
    times.push(performance.now() - started);
    const expected = q.expect as string[];
    const score = per.get(q.lang) ?? { n: 0, top1: 0, top3: 0 };
    score.n++;
    if (steps[0] && expected.includes(steps[0])) score.top1++;
    if (steps.slice(0, 3).some((s) => expected.includes(s))) score.top3++;
    per.set(q.lang, score);
  }
  times.sort((a, b) => a - b);
  const all = [...per.values()].reduce(
    (a, s) => ({ n: a.n + s.n, top1: a.top1 + s.top1, top3: a.top3 + s.top3 }),
    { n: 0, top1: 0, top3: 0 },
  );
  const pct = (x: number, n: number) => `${((x / n) * 100).toFixed(1)}%`;
  console.log(
    `\n${name}: top-1 ${pct(all.top1, all.n)}, top-3 ${pct(all.top3, all.n)}, p99 ${times[Math.floor(times.length * 0.99)]!.toFixed(2)} ms`,
  );
  for (const [lang, s] of per)
    console.log(
      `  ${lang.padEnd(10)} top-1 ${pct(s.top1, s.n).padStart(6)}  top-3 ${pct(s.top3, s.n).padStart(6)}`,
    );
}

measure("MiniSearch", minisearch);
measure("Orama", orama);
