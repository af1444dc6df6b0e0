/**
 * Questions the search could not answer, kept for editors to see what the content lacks. Off unless
 * the operator sets `SEARCH_LOG_UNANSWERED=true`. Digits, e-mail addresses and phone numbers are
 * removed before anything is stored, and entries are kept 30 days.
 */
import type { Redis } from "ioredis";

export const UNANSWERED_TTL_SECONDS = 30 * 86_400;
const MAX_PER_LANGUAGE = 2_000;

export interface UnansweredEntry {
  readonly at: number;
  readonly lang: string;
  readonly question: string;
}

export interface UnansweredLog {
  record(lang: string, question: string): Promise<void>;
  list(lang?: string): Promise<UnansweredEntry[]>;
}

/** The question without e-mail addresses, phone numbers, digits or overlong parts. */
export function scrub(question: string): string {
  return question
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, "[E-Mail]")
    .replace(/(\+|00)?\d[\d\s/().-]{5,}\d/g, "[Nummer]")
    .replace(/\p{N}/gu, "#")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 300);
}

export function createRedisUnansweredLog(
  redis: Redis,
  prefix = "sp:",
  now: () => number = Date.now,
): UnansweredLog {
  const key = (lang: string) => `${prefix}unanswered:${lang}`;
  return {
    async record(lang, question) {
      const at = now();
      await redis
        .multi()
        .zadd(key(lang), at, `${at}|${scrub(question)}`)
        .zremrangebyscore(key(lang), "-inf", at - UNANSWERED_TTL_SECONDS * 1000)
        .zremrangebyrank(key(lang), 0, -MAX_PER_LANGUAGE - 1)
        .expire(key(lang), UNANSWERED_TTL_SECONDS)
        .exec();
    },
    async list(lang) {
      const keys = lang ? [key(lang)] : await redis.keys(`${prefix}unanswered:*`);
      const entries: UnansweredEntry[] = [];
      for (const k of keys) {
        const since = now() - UNANSWERED_TTL_SECONDS * 1000;
        for (const member of await redis.zrangebyscore(k, since, "+inf")) {
          const split = member.indexOf("|");
          entries.push({
            at: Number(member.slice(0, split)),
            lang: k.slice(`${prefix}unanswered:`.length),
            question: member.slice(split + 1),
          });
        }
      }
      return entries.sort((a, b) => a.at - b.at);
    },
  };
}

export function createMemoryUnansweredLog(now: () => number = Date.now): UnansweredLog {
  const entries: UnansweredEntry[] = [];
  const fresh = () => entries.filter((e) => e.at >= now() - UNANSWERED_TTL_SECONDS * 1000);
  return {
    async record(lang, question) {
      entries.push({ at: now(), lang, question: scrub(question) });
      if (entries.length > MAX_PER_LANGUAGE * 8) entries.shift();
    },
    async list(lang) {
      return fresh().filter((e) => lang === undefined || e.lang === lang);
    },
  };
}
