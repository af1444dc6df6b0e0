/**
 * Free-text questions → the steps that answer them, offline, per language. One MiniSearch index per
 * language over the steps' texts, the labels of the buttons that lead to them, and the keywords
 * editors keep per step (`"<step>": { "keywords": "…" }` in `locales/<lang>/<flow>.json`); the
 * German keywords are indexed in every language, because parents type German office words inside
 * their own language ("Kita", "Jobcenter", "BuT"). Built once per content version.
 *
 * Before any ranking, emergencies (violence, a child in danger, self-harm) and requests for a person
 * are recognised from phrase lists in `common.json` (`search.emergency_words`, `search.person_words`).
 */
import MiniSearch, { type SearchResult } from "minisearch";
import { startRef } from "../engine/advance.js";
import type { StepRef } from "../engine/types.js";
import type { Content } from "../flow-files/load.js";
import { COMMON_NS } from "../flow-files/load.js";
import type { Texts } from "../i18n/texts.js";
import { analyzerFor, type Analyzer, type Word } from "./analyze.js";

export interface Hit {
  readonly step: StepRef;
  readonly score: number;
  /** A short name of the step for a "Did you mean" button. */
  readonly title: string;
  /** Share of the question's words that the step matched (0–1). */
  readonly coverage: number;
}

export type Answer =
  | { readonly kind: "emergency" }
  | { readonly kind: "person" }
  /** One clear winner: show it. */
  | { readonly kind: "answer"; readonly step: StepRef; readonly hits: readonly Hit[] }
  /** Several close: offer up to three. */
  | { readonly kind: "choices"; readonly hits: readonly Hit[] }
  | { readonly kind: "none"; readonly hits: readonly Hit[] };

export interface Search {
  ask(lang: string, question: string): Answer;
  /** The ranking with scores (for editors: `npm run ask`). */
  rank(lang: string, question: string): Hit[];
  /** The answer from the pages alone (the caller has already checked `urgent`). */
  answer(lang: string, question: string): Answer;
  /** An emergency or a request for a person, recognised before anything else (even mid-question). */
  urgent(lang: string, question: string): "emergency" | "person" | undefined;
  /** Builds these languages' indexes now (all by default). */
  warm(languages?: Iterable<string>): void;
  /**
   * A parent speaks this language: its index is built soon if it is not built yet (once per
   * language and process, 50–150 ms), so that it is ready by their first question. A process
   * holds only the indexes of the languages its parents use (about 2 MB each).
   */
  prepare(lang: string): void;
  /** Whether this language's index is built. */
  isIndexed(lang: string): boolean;
  /** The indexed steps of a language (to compare search libraries on the same documents). */
  documents(lang: string): readonly Doc[];
}

/** The answer policy. */
const POLICY = {
  /** A winner scores at least this much more than the runner-up… */
  lead: 1.6,
  /** …and matches at least this share of the question's words. */
  winnerCoverage: 0.5,
  /** Anything matching less than this share of the words is no answer at all… */
  minCoverage: 0.4,
  /** …and so is a best score this low (a typo-tolerant match of one common word). */
  minScore: 10,
  /** Offered alternatives score at least this share of the best. */
  closeShare: 0.45,
  maxChoices: 3,
};

export const BOOST = { keywords: 4, labels: 3, title: 3, de: 2, body: 1 };

/** One step as indexed: its fields in one language. */
export interface Doc {
  id: number;
  step: StepRef;
  title: string;
  labels: string;
  keywords: string;
  de: string;
  body: string;
}

interface LanguageIndex {
  readonly index: MiniSearch<Doc>;
  readonly docs: readonly Doc[];
  readonly analyzer: Analyzer;
  /** Every term in the index, for splitting German compounds typed as one word. */
  readonly vocabulary: Vocabulary;
  readonly emergency: readonly Word[][];
  readonly person: readonly Word[][];
  /** Topics without pages: a question about them gets an honest "no answer", not a near miss. */
  readonly otherTopics: readonly Word[][];
}

const STRIP = /<[^>]*>|&[a-z]+;/gi;
const plain = (html: string) => html.replace(STRIP, " ").replace(/\s+/g, " ").trim();
/** The first line of a text, without emoji and formatting: the step's heading. */
const headingOf = (html: string) =>
  plain(html.split("\n")[0] ?? "")
    .replace(/[^\p{L}\p{N}§€%()/,.:–-]+/gu, " ")
    .trim();

function raw(content: Content, lang: string, ns: string, key: string): string | undefined {
  let node: unknown = content.resources[lang]?.[ns];
  for (const part of key.split(".")) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === "string" ? node : undefined;
}

/** Phrases of a comma-separated list, each as its words. */
function phrases(analyzer: Analyzer, list: string | undefined): Word[][] {
  return (list ?? "")
    .split(",")
    .map((phrase) => analyzer.words(phrase))
    .filter((words) => words.length > 0);
}

/**
 * A phrase word matches a typed word with the same stem, or that starts with it as typed (Turkish
 * and German endings: "öldür" → "öldürecek"), or that has one typo in it.
 */
function wordMatches(phrase: Word, typed: Word, typos = true): boolean {
  if (typed.raw === phrase.raw) return true;
  if (phrase.stem.length >= 3 && typed.stem === phrase.stem) return true;
  if (phrase.raw.length >= 4 && typed.raw.startsWith(phrase.raw)) return true;
  return typos && phrase.raw.length >= 6 && withinOneEdit(phrase.raw, typed.raw);
}

function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

export function createSearch(content: Content, texts: Texts): Search {
  const source = content.sourceLanguage;
  const steps: Array<{ ref: StepRef; flow: string; id: string }> = [];
  const labelsOf = new Map<StepRef, Array<{ ns: string; key: string }>>();
  for (const flow of content.flows.flows.values()) {
    for (const [id, step] of flow.steps) {
      const ref = `${flow.id}.${id}`;
      if (step.kind === "choices") {
        for (const choice of step.choices) {
          const target = choice.next.includes(".") ? choice.next : `${flow.id}.${choice.next}`;
          const list = labelsOf.get(target) ?? [];
          list.push({ ns: flow.id, key: `${id}.choices.${choice.label}` });
          labelsOf.set(target, list);
        }
      }
      if (step.kind !== "say" && step.kind !== "choices" && step.kind !== "ask") continue;
      if (ref === startRef(content.flows)) continue;
      steps.push({ ref, flow: flow.id, id });
    }
  }

  const indexes = new Map<string, LanguageIndex>();
  const build = (lang: string): LanguageIndex => {
    const analyzer = analyzerFor(lang);
    const german = analyzerFor(source);
    const docs: Doc[] = steps.map(({ ref, flow, id }, n) => {
      // As parents read it: facts filled in (amounts are searchable), answers left out.
      const text = texts
        .text(lang, { ns: flow, key: `${id}.text` })
        .replace(/\{\{[^}]*\}\}/g, " ")
        .replace(/[\u2066-\u2069]/g, "");
      const labels = (labelsOf.get(ref) ?? [])
        .map((label) => texts.text(lang, label))
        .map(plain)
        .join(" · ");
      return {
        id: n,
        step: ref,
        title: headingOf(text) || plain(labels),
        labels,
        keywords: raw(content, lang, flow, `${id}.keywords`) ?? "",
        de:
          lang === source
            ? ""
            : [
                raw(content, source, flow, `${id}.keywords`) ?? "",
                headingOf(raw(content, source, flow, `${id}.text`) ?? ""),
              ].join(" "),
        body: plain(text),
      };
    });
    const terms = new Set<string>();
    const index = new MiniSearch<Doc>({
      fields: ["title", "labels", "keywords", "de", "body"],
      idField: "id",
      tokenize: (text, field) => {
        const found = field === "de" ? german.terms(text) : analyzer.terms(text);
        for (const term of found) terms.add(term);
        return found;
      },
      processTerm: (term) => term,
      searchOptions: { tokenize: (text) => text.split(" ").filter(Boolean) },
    });
    index.addAll(docs);
    const vocabulary = new Vocabulary(terms);
    const common = (key: string) =>
      raw(content, lang, COMMON_NS, key) ?? raw(content, source, COMMON_NS, key);
    return {
      index,
      docs,
      analyzer,
      vocabulary,
      // The source language's phrases apply everywhere, too (German typed in any language).
      emergency: [
        ...phrases(analyzer, common("search.emergency_words")),
        ...(lang === source
          ? []
          : phrases(german, raw(content, source, COMMON_NS, "search.emergency_words"))),
      ],
      otherTopics: phrases(analyzer, common("search.other_topics_words")),
      person: [
        ...phrases(analyzer, common("search.person_words")),
        ...(lang === source
          ? []
          : phrases(german, raw(content, source, COMMON_NS, "search.person_words"))),
      ],
    };
  };
  /** Languages whose index is about to be built (prepare). */
  const pending = new Set<string>();
  const indexFor = (lang: string): LanguageIndex => {
    const resolved = texts.resolve(lang);
    let found = indexes.get(resolved);
    if (!found) indexes.set(resolved, (found = build(resolved)));
    return found;
  };

  /**
   * The question's words, each as its search terms: its stem; the parts of a German compound the
   * index does not know as a whole ("kitaplatz" → kita, platz); in English and Turkish, a German
   * office word's German stem.
   */
  const queryWords = (at: LanguageIndex, question: string): string[][] => {
    const german = analyzerFor(source);
    return at.analyzer.wordTerms(question).map(({ word, terms }) => {
      const out = new Set(terms);
      if (terms.some((term) => at.vocabulary.has(term))) return [...out];
      for (const term of terms)
        if (term.length >= 7 && /^[a-z]+$/.test(term))
          for (const part of splitCompound(term, at.vocabulary)) out.add(part);
      // A German office word in an English or Turkish question ("Gebühren", "Kindergeld'i").
      if (at.analyzer.base !== "de" && /^\p{Script=Latin}+$/u.test(word)) {
        const germanTerm = german.term(word);
        if (germanTerm && at.vocabulary.has(germanTerm)) out.add(germanTerm);
      }
      return [...out];
    });
  };

  const rank = (lang: string, question: string): Hit[] => {
    const at = indexFor(lang);
    const words = queryWords(at, question);
    const terms = [...new Set(words.flat())];
    if (terms.length === 0) return [];
    const results: SearchResult[] = at.index.search(terms.join(" "), {
      boost: BOOST,
      combineWith: "OR",
      prefix: (term) => term.length >= 4,
      // Typos: only words the index does not know get a fuzzy search (it is the costly part).
      fuzzy: (term) => (term.length >= 5 && !at.vocabulary.has(term) ? 1 : false),
    });
    // Words the index knows count fully; unknown words (names, filler) count half.
    const isKnown = (t: string) =>
      at.vocabulary.has(t) || (t.length >= 4 && at.vocabulary.hasPrefix(t));
    const weights = words.map((group) => (group.some(isKnown) ? 1 : 0.5));
    const total = Math.max(
      1,
      weights.reduce((a, b) => a + b, 0),
    );
    return results.map((result) => {
      const doc = at.docs[result.id as number]!;
      const matched = new Set(result.queryTerms);
      const covered = words.reduce(
        (sum, group, i) => sum + (group.some((t) => matched.has(t)) ? weights[i]! : 0),
        0,
      );
      return {
        step: doc.step,
        score: Math.round(result.score * 100) / 100,
        title: doc.title,
        coverage: Math.min(1, covered / total),
      };
    });
  };

  const contains = (question: Word[], phrase: Word[], typos = true) =>
    phrase.every((word) => question.some((typed) => wordMatches(word, typed, typos)));

  const urgent: Search["urgent"] = (lang, question) => {
    const at = indexFor(lang);
    const words = [...at.analyzer.words(question), ...analyzerFor(source).words(question)];
    if (at.emergency.some((phrase) => contains(words, phrase))) return "emergency";
    if (at.person.some((phrase) => contains(words, phrase))) return "person";
    return undefined;
  };

  const answer: Search["answer"] = (lang, question) => {
    const at = indexFor(lang);
    const hits = rank(lang, question);
    const [best, second] = hits;
    const words = at.analyzer.words(question);
    if (
      at.otherTopics.some((phrase) => contains(words, phrase, false)) &&
      (best?.coverage ?? 0) < 0.8
    )
      return { kind: "none", hits };
    if (!best || best.coverage < POLICY.minCoverage || best.score < POLICY.minScore)
      return { kind: "none", hits };
    if (
      best.coverage >= POLICY.winnerCoverage &&
      (!second || best.score >= second.score * POLICY.lead)
    )
      return { kind: "answer", step: best.step, hits };
    const close = hits
      .filter(
        (hit) => hit.score >= best.score * POLICY.closeShare && hit.coverage >= POLICY.minCoverage,
      )
      .slice(0, POLICY.maxChoices);
    return { kind: "choices", hits: close };
  };

  return {
    rank,
    urgent,
    answer,
    warm(languages = content.languages.keys()) {
      for (const lang of languages) indexFor(lang);
    },
    isIndexed: (lang) => indexes.has(texts.resolve(lang)),
    prepare(lang) {
      const resolved = texts.resolve(lang);
      if (indexes.has(resolved) || pending.has(resolved)) return;
      pending.add(resolved);
      setImmediate(() => {
        pending.delete(resolved);
        indexFor(resolved);
      });
    },
    documents: (lang) => indexFor(lang).docs,
    ask(lang, question) {
      const kind = urgent(lang, question);
      return kind ? { kind } : answer(lang, question);
    },
  };
}

/** The index's terms, sorted, to look up whole terms and prefixes fast. */
class Vocabulary {
  private readonly sorted: string[];
  private readonly all: ReadonlySet<string>;
  constructor(terms: ReadonlySet<string>) {
    this.all = terms;
    this.sorted = [...terms].sort();
  }
  has(term: string): boolean {
    return this.all.has(term);
  }
  /** Whether some term starts with `prefix`. */
  hasPrefix(prefix: string): boolean {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.sorted[mid]! < prefix) low = mid + 1;
      else high = mid;
    }
    return this.sorted[low]?.startsWith(prefix) ?? false;
  }
}

/** "kitaplatz" → ["kita", "platz"] when both parts are known terms (with a linking s/n/en/es). */
function splitCompound(term: string, vocabulary: Vocabulary): string[] {
  for (let i = term.length - 3; i >= 3; i--) {
    const left = term.slice(0, i);
    if (!vocabulary.has(left)) continue;
    const rest = term.slice(i);
    for (const right of [rest, rest.replace(/^(es|en|s|n)(?=...)/, "")]) {
      if (vocabulary.has(right) || (right.length >= 4 && vocabulary.hasPrefix(right)))
        return [left, right];
    }
  }
  return [];
}
