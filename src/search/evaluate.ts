/**
 * The search measured on realistic questions (`test/fixtures/questions.yaml`): per language the
 * share of answerable questions whose right step comes first (top-1) or among the first three
 * (top-3), the emergencies and requests for a person recognised, the questions rightly left
 * unanswered, the misses, and the answer time.
 */
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { z } from "zod";
import type { Search } from "./search.js";

const questionSchema = z.object({
  lang: z.string(),
  q: z.string().min(1),
  expect: z.union([z.enum(["emergency", "person", "none"]), z.array(z.string()).min(1)]),
});
export type Question = z.infer<typeof questionSchema>;

export async function loadQuestions(file: string): Promise<Question[]> {
  return z.array(questionSchema).parse(parse(await readFile(file, "utf8")));
}

export interface LanguageScore {
  lang: string;
  answerable: number;
  top1: number;
  top3: number;
  emergency: { total: number; found: number };
  person: { total: number; found: number };
  none: { total: number; found: number };
}

export interface Miss {
  lang: string;
  q: string;
  expected: string;
  got: string;
}

export interface Evaluation {
  languages: LanguageScore[];
  all: LanguageScore;
  misses: Miss[];
  p99Ms: number;
  maxMs: number;
}

export function evaluate(search: Search, questions: readonly Question[]): Evaluation {
  const scores = new Map<string, LanguageScore>();
  const empty = (lang: string): LanguageScore => ({
    lang,
    answerable: 0,
    top1: 0,
    top3: 0,
    emergency: { total: 0, found: 0 },
    person: { total: 0, found: 0 },
    none: { total: 0, found: 0 },
  });
  const misses: Miss[] = [];
  const times: number[] = [];
  // One pass to warm up, so that the times are those of a running bot, not of a cold start.
  for (const question of questions) search.ask(question.lang, question.q);

  for (const question of questions) {
    const score = scores.get(question.lang) ?? empty(question.lang);
    scores.set(question.lang, score);
    const started = performance.now();
    const answer = search.ask(question.lang, question.q);
    times.push(performance.now() - started);
    const shown =
      answer.kind === "answer" || answer.kind === "choices"
        ? answer.hits.map((hit) => hit.step)
        : [];
    const got =
      answer.kind === "answer"
        ? answer.step
        : answer.kind === "choices"
          ? `choices: ${shown.slice(0, 3).join(", ")}`
          : answer.kind === "none"
            ? `none (best: ${answer.hits[0]?.step ?? "–"})`
            : answer.kind;
    if (Array.isArray(question.expect)) {
      score.answerable++;
      const expected = question.expect;
      const first = shown[0] !== undefined && expected.includes(shown[0]);
      const three = shown.slice(0, 3).some((step) => expected.includes(step));
      if (first) score.top1++;
      if (three) score.top3++;
      if (!first)
        misses.push({ lang: question.lang, q: question.q, expected: expected.join(" | "), got });
    } else {
      const tally = score[question.expect];
      tally.total++;
      if (answer.kind === question.expect) tally.found++;
      else misses.push({ lang: question.lang, q: question.q, expected: question.expect, got });
    }
  }
  const languages = [...scores.values()];
  const all = languages.reduce(
    (sum, s) => ({
      lang: "all",
      answerable: sum.answerable + s.answerable,
      top1: sum.top1 + s.top1,
      top3: sum.top3 + s.top3,
      emergency: {
        total: sum.emergency.total + s.emergency.total,
        found: sum.emergency.found + s.emergency.found,
      },
      person: {
        total: sum.person.total + s.person.total,
        found: sum.person.found + s.person.found,
      },
      none: { total: sum.none.total + s.none.total, found: sum.none.found + s.none.found },
    }),
    empty("all"),
  );
  times.sort((a, b) => a - b);
  return {
    languages,
    all,
    misses,
    p99Ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] ?? 0,
    maxMs: times.at(-1) ?? 0,
  };
}

const percent = (part: number, total: number) =>
  total === 0 ? "–" : `${((part / total) * 100).toFixed(1)}%`;

/** The evaluation as a table (the closing note and `npm run eval:search` show it). */
export function formatEvaluation(result: Evaluation, withMisses = true): string {
  const lines = [
    "| language | questions | top-1 | top-3 | emergencies | person | rightly unanswered |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const s of [...result.languages, result.all]) {
    lines.push(
      `| ${s.lang} | ${s.answerable + s.emergency.total + s.person.total + s.none.total} | ${percent(s.top1, s.answerable)} | ${percent(s.top3, s.answerable)} | ${s.emergency.found}/${s.emergency.total} | ${s.person.found}/${s.person.total} | ${s.none.found}/${s.none.total} |`,
    );
  }
  lines.push(
    "",
    `answer time: p99 ${result.p99Ms.toFixed(2)} ms, max ${result.maxMs.toFixed(2)} ms`,
  );
  if (withMisses && result.misses.length > 0) {
    lines.push("", `misses (${result.misses.length}):`);
    for (const miss of result.misses)
      lines.push(`  [${miss.lang}] ${miss.q}\n      expected ${miss.expected}; got ${miss.got}`);
  }
  return lines.join("\n");
}
