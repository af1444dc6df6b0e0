/**
 * The free-text search on realistic parent questions in every shipped language
 * (test/fixtures/questions.yaml): the right answer first for at least 85%, among the first three for
 * at least 95%, and every emergency recognised. `npm run eval:search` prints the same with the misses.
 */
import { randomInt } from "node:crypto";
import { join } from "node:path";
import { Redis } from "ioredis";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createContentBundle, type ContentBundle } from "../../src/bot/content-bundle.js";
import { loadContent } from "../../src/flow-files/load.js";
import { evaluate, formatEvaluation, loadQuestions } from "../../src/search/evaluate.js";
import {
  createRedisUnansweredLog,
  scrub,
  UNANSWERED_TTL_SECONDS,
} from "../../src/search/unanswered.js";
import { REPO_ROOT } from "../factories.js";

let bundle: ContentBundle;
beforeAll(async () => {
  bundle = createContentBundle((await loadContent(REPO_ROOT)).content);
});

describe("the evaluation set", () => {
  it("has at least 200 questions across every shipped language", async () => {
    const questions = await loadQuestions(join(REPO_ROOT, "test/fixtures/questions.yaml"));
    expect(questions.length).toBeGreaterThanOrEqual(200);
    expect(new Set(questions.map((q) => q.lang))).toEqual(new Set(bundle.languages));
    const steps = [...bundle.steps.values()];
    for (const q of questions)
      if (Array.isArray(q.expect))
        for (const step of q.expect) expect(steps, `${q.q} → ${step}`).toContain(step);
  });

  it("answers at least 85% right first and 95% within three, and recognises every emergency", async () => {
    const questions = await loadQuestions(join(REPO_ROOT, "test/fixtures/questions.yaml"));
    const result = evaluate(bundle.search, questions);
    const report = formatEvaluation(result);
    expect(result.all.top1 / result.all.answerable, report).toBeGreaterThanOrEqual(0.85);
    expect(result.all.top3 / result.all.answerable, report).toBeGreaterThanOrEqual(0.95);
    expect(result.all.emergency.found, report).toBe(result.all.emergency.total);
    expect(result.all.person.found / result.all.person.total, report).toBeGreaterThanOrEqual(0.9);
    expect(result.all.none.found / result.all.none.total, report).toBeGreaterThanOrEqual(0.75);
  });
});

describe("what parents type", () => {
  it.each([
    ["de", "Kitaplatz gesucht", "childcare"],
    ["de", "wer zahlt die klassenfahrt", "money.but"],
    ["de", "kindergelt wie viel", "money.kindergeld"],
    ["uk", "як знайти місце в Kita", "childcare"],
    ["ru", "Jobcenter платит за обеды в школе?", "money.but"],
    ["tr", "cocuk parasi ne kadar", "money.kindergeld"],
  ])("[%s] %s → a step of %s", (lang, question, prefix) => {
    const hits = bundle.search.rank(lang, question);
    expect(hits[0]?.step).toMatch(new RegExp(`^${prefix.replace(".", "\\.")}`));
  });

  it("says nothing rather than guessing for a question outside the content", () => {
    expect(bundle.search.ask("de", "Wie wird das Wetter morgen in Hamburg?").kind).toBe("none");
    expect(bundle.search.ask("en", "best pizza delivery near me").kind).toBe("none");
  });
});

describe("unanswered questions", () => {
  it("are kept without digits, e-mail addresses or phone numbers", () => {
    expect(
      scrub("Meine Nummer ist 0171 2345678, mail an anna.k@example.org, Kind ist 3 Jahre"),
    ).toBe("Meine Nummer ist [Nummer], mail an [E-Mail], Kind ist # Jahre");
  });

  const redisUrl = inject("redisUrl");
  it.runIf(redisUrl)("are kept in Redis for 30 days at most", async () => {
    const redis = new Redis(redisUrl!);
    try {
      const prefix = `tu${randomInt(1e9)}:`;
      const log = createRedisUnansweredLog(redis, prefix);
      await log.record("uk", "де взяти гроші на ремонт машини? мій номер +49 151 2345678");
      const [entry] = await log.list("uk");
      expect(entry?.question).toBe("де взяти гроші на ремонт машини? мій номер [Nummer]");
      const ttl = await redis.ttl(`${prefix}unanswered:uk`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(UNANSWERED_TTL_SECONDS);
    } finally {
      redis.disconnect();
    }
  });
});
