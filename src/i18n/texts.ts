/**
 * All texts a parent sees, through one i18next instance per content version. Every call names its
 * language: nothing depends on a global "current language", so concurrent chats never mix.
 */
import i18next, { type i18n, type TFunction } from "i18next";
import type { AnswerValue, TextRef } from "../engine/types.js";
import type { Content } from "../flow-files/load.js";
import { COMMON_NS } from "../flow-files/load.js";
import type { Fact } from "../flow-files/schema.js";
import type { CommonKey } from "./common-keys.js";
import { isolateLeftToRight } from "./bidi.js";
import { formatDate, formatFactValue } from "./format.js";

/** Escapes a value for Telegram's HTML parse mode (it knows &lt; &gt; &amp; &quot;). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"]/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;",
  );
}

type Translate = (key: string, vars?: Readonly<Record<string, unknown>>) => string;

export interface Texts {
  /** A flow or common text with answers and facts filled in; variables are HTML-escaped. */
  text(lang: string, ref: TextRef, vars?: Readonly<Record<string, AnswerValue>>): string;
  common(lang: string, key: CommonKey, vars?: Readonly<Record<string, string | number>>): string;
  /** Whether the language (or its fallback) has this text. */
  has(lang: string, ref: TextRef): boolean;
  /** "📜 Rechtsgrundlage: … · Stand: …" for the facts an answer rests on; "" without facts. */
  legalFooter(lang: string, factIds: readonly string[], today?: string): string;
  /** The language used for `lang` (an unknown one falls back to the source language). */
  resolve(lang: string): string;
}

/**
 * Builds the texts for one version of the content. Facts are formatted once per language here,
 * not per message.
 */
export function createTexts(content: Content): Texts {
  const source = content.sourceLanguage;
  const instance: i18n = i18next.createInstance();
  void instance.init({
    resources: content.resources,
    lng: source,
    fallbackLng: source,
    supportedLngs: [...content.languages.keys()],
    ns: Object.keys(content.resources[source] ?? {}),
    defaultNS: COMMON_NS,
    initAsync: false,
    returnNull: false,
    returnEmptyString: false,
    keySeparator: ".",
    nsSeparator: ":",
    interpolation: { escapeValue: true, escape: escapeHtml },
  });

  /** Per language: i18next's text, with left-to-right fragments isolated in right-to-left languages. */
  const fixed = new Map<string, Translate>();
  /** Per language, the formatted facts, for interpolation. */
  const factVars = new Map<string, Readonly<Record<string, string>>>();
  for (const [lang, language] of content.languages) {
    const translate: TFunction = instance.getFixedT(lang);
    fixed.set(
      lang,
      language.dir === "rtl"
        ? (key, vars) => isolateLeftToRight(translate(key, vars ?? {}))
        : (key, vars) => translate(key, vars ?? {}),
    );
    const values: Record<string, string> = {};
    for (const [id, fact] of content.facts) {
      if (fact.value !== undefined) values[id] = formatFactValue(fact, language.intl);
    }
    factVars.set(lang, Object.freeze(values));
  }

  const resolve = (lang: string) => (fixed.has(lang) ? lang : source);
  const t = (lang: string) => fixed.get(resolve(lang))!;
  const intl = (lang: string) => content.languages.get(resolve(lang))?.intl ?? "de-DE";

  // Texts whose placeholders are all facts never change for a content version: render them once.
  const rendered = new Map<string, string>();
  const factIds = new Set(content.facts.keys());
  const answerDependent = new Map<string, boolean>();
  const dependsOnAnswers = (lang: string, ns: string, key: string): boolean => {
    const cacheKey = `${lang}\u0000${ns}\u0000${key}`;
    let depends = answerDependent.get(cacheKey);
    if (depends === undefined) {
      depends = usesAnswers(lang, ns, key);
      answerDependent.set(cacheKey, depends);
    }
    return depends;
  };
  const usesAnswers = (lang: string, ns: string, key: string): boolean => {
    const raw =
      instance.getResource(resolve(lang), ns, key) ?? instance.getResource(source, ns, key);
    if (typeof raw !== "string") return true;
    for (const match of raw.matchAll(/\{\{\s*([a-zA-Z0-9_.]+)/g))
      if (!factIds.has(match[1]!)) return true;
    return false;
  };

  const common: Texts["common"] = (lang, key, vars) => {
    if (vars !== undefined) return t(lang)(`${COMMON_NS}:${key}`, vars);
    const cacheKey = `${lang}\u0000${COMMON_NS}\u0000${key}`;
    let text = rendered.get(cacheKey);
    if (text === undefined) {
      text = t(lang)(`${COMMON_NS}:${key}`);
      rendered.set(cacheKey, text);
    }
    return text;
  };
  const footers = new Map<string, string>();
  let footersDay = "";
  const renderFooter = (lang: string, ids: readonly string[], today: string): string => {
    const facts = ids.map((id) => content.facts.get(id)).filter((f): f is Fact => f !== undefined);
    if (facts.length === 0) return "";
    const bases = [...new Set(facts.map((f) => f.legal_basis))].join("; ");
    const checked = facts
      .map((f) => f.checked)
      .sort()
      .at(-1)!;
    const lines = [
      common(lang, "footer.legal", { basis: bases, date: formatDate(checked, intl(lang)) }),
    ];
    const expired = facts
      .map((f) => f.valid_until)
      .filter((until): until is string => until !== null && until < today)
      .sort()[0];
    if (expired !== undefined) {
      lines.push(common(lang, "footer.expired", { date: formatDate(expired, intl(lang)) }));
    }
    return lines.join("\n");
  };

  return {
    resolve,
    text(lang, ref, vars = {}) {
      const cacheKey = `${lang}\u0000${ref.ns}\u0000${ref.key}`;
      const cached = rendered.get(cacheKey);
      if (cached !== undefined) return cached;
      const facts = factVars.get(resolve(lang)) ?? {};
      if (dependsOnAnswers(lang, ref.ns, ref.key)) {
        return t(lang)(`${ref.ns}:${ref.key}`, { ...facts, ...vars });
      }
      const text = t(lang)(`${ref.ns}:${ref.key}`, facts);
      rendered.set(cacheKey, text);
      return text;
    },
    common,
    has(lang, ref) {
      return instance.exists(`${ref.ns}:${ref.key}`, { lng: resolve(lang) });
    },
    legalFooter(lang, ids, today = new Date().toISOString().slice(0, 10)) {
      if (ids.length === 0) return "";
      // A footer depends on the day only through expired facts: start afresh each day.
      if (footersDay !== today) {
        footers.clear();
        footersDay = today;
      }
      const cacheKey = `${lang}\u0000${ids.join(",")}`;
      let footer = footers.get(cacheKey);
      if (footer === undefined) {
        footer = renderFooter(lang, ids, today);
        footers.set(cacheKey, footer);
      }
      return footer;
    },
  };
}
