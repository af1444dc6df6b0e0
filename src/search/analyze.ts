/**
 * Turning text into search terms, per language: Unicode-normalised, lower-cased, split into words,
 * function words dropped, stemmed (German, English, Ukrainian, Russian, Arabic, Turkish; Farsi
 * normalised and its plural and ezafe endings removed), then folded so that parents who type without
 * umlauts or Turkish letters still match ("gebuhren", "cocuk").
 */
import { stemmer as arabic } from "@orama/stemmers/arabic";
import { stemmer as english } from "@orama/stemmers/english";
import { stemmer as german } from "@orama/stemmers/german";
import { stemmer as russian } from "@orama/stemmers/russian";
import { stemmer as turkish } from "@orama/stemmers/turkish";
import { stemmer as ukrainian } from "@orama/stemmers/ukrainian";
import { STOPWORDS } from "./stopwords.js";

export interface Word {
  /** Lower-cased, normalised and folded, not stemmed. */
  readonly raw: string;
  readonly stem: string;
}

export interface Analyzer {
  /** The base language (`de` for `de-simple`). */
  readonly base: string;
  /** Search terms of a text, in order (duplicates kept). */
  terms(text: string): string[];
  /** One word as a search term, or `undefined` for a function word. */
  term(word: string): string | undefined;
  /** Per meaningful word of a text: the word and its search terms (two spellings in Turkish). */
  wordTerms(text: string): Array<{ word: string; terms: string[] }>;
  /** Every word of a text, function words included, as typed (folded) and stemmed (for phrases). */
  words(text: string): Word[];
}

/**
 * A word: letters (apostrophes inside belong to it: Ukrainian б'є, Turkish Kita'ya), or a number
 * ("3jährige" is 3 + jährige).
 */
const WORD = /\p{N}+|[\p{L}\p{M}\u200c§]+(?:['’ʼ][\p{L}\p{M}]+)*/gu;
/** BuT, KiZ, UV, BAB: abbreviations are never function words ("but" is, in English). */
const ABBREVIATION = /^(?:\p{Lu}{2,5}|\p{Lu}\p{Ll}?\p{Lu}\p{L}?)$/u;
/** Languages whose apostrophe starts an ending or a contraction: Kita'ya → Kita, kid's → kid. */
const CUT_AT_APOSTROPHE = new Set(["tr", "de", "en"]);
const TAG = /<[^>]*>|&[a-z]+;|&#\d+;/gi;

/** Letters folded after stemming, so that typing without diacritics still matches. */
const FOLD: Record<string, string> = {
  ä: "a",
  ö: "o",
  ü: "u",
  ß: "ss",
  ç: "c",
  ş: "s",
  ğ: "g",
  ı: "i",
  ё: "е",
  ї: "і",
};
const FOLDABLE = /[äöüßçşğıёї]/g;

/** Arabic-script spelling variants, diacritics and the tatweel. */
function normalizeArabicScript(word: string, lang: "ar" | "fa"): string {
  let out = word
    .replace(/[\u064B-\u065F\u0670\u0640]/g, "")
    .replace(/[أإآٱ]/g, "ا")
    .replace(/\u200c/g, "");
  if (lang === "fa") out = out.replace(/ي/g, "ی").replace(/ك/g, "ک").replace(/ة/g, "ه");
  else out = out.replace(/ى/g, "ي").replace(/ی/g, "ي").replace(/ک/g, "ك");
  return out;
}

/** Farsi has no stemmer here: plural (-ها, -های, -ان) and ezafe/indefinite (-ی, -ای) endings go. */
function stemFarsi(word: string): string {
  for (const suffix of ["هایی", "های", "ها", "ترین", "تر", "ای", "ان", "ی"]) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3)
      return word.slice(0, -suffix.length);
  }
  return word;
}

const STEMMERS: Record<string, (word: string) => string> = {
  de: german,
  en: english,
  uk: ukrainian,
  ru: russian,
  ar: (word) => arabic(normalizeArabicScript(word, "ar")),
  tr: turkish,
  fa: (word) => stemFarsi(normalizeArabicScript(word, "fa")),
};

const LATIN_SCRIPT = new Set(["de", "en", "tr"]);

const analyzers = new Map<string, Analyzer>();

export function analyzerFor(lang: string): Analyzer {
  const base = lang.split("-")[0]!;
  let analyzer = analyzers.get(base);
  if (analyzer) return analyzer;
  const stem = STEMMERS[base] ?? ((word: string) => word);
  const stop = STOPWORDS[base] ?? new Set<string>();
  const lower = (text: string) =>
    base === "tr" ? text.toLocaleLowerCase("tr") : text.toLowerCase();
  const stemWord = (lowered: string): string => {
    // Latin words in a Cyrillic or Arabic-script language are German office words (Kita, Jobcenter).
    const latin = /^[\p{Script=Latin}\d§]+$/u.test(lowered);
    const stemmed = latin && !LATIN_SCRIPT.has(base) ? german(lowered) : stem(lowered);
    return stemmed.replace(FOLDABLE, (c) => FOLD[c] ?? c);
  };
  const normalizeWord = (word: string) =>
    lower(word.normalize("NFKC"))
      .replace(/[’ʼ]/g, "'")
      // Arabic-Indic and Persian digits as the digits of the texts (٤, ۴ → 4).
      .replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (d) => String(d.charCodeAt(0) & 0xf));
  const term = (word: string): string | undefined => {
    let lowered = normalizeWord(word);
    if (stop.has(lowered) && !ABBREVIATION.test(word)) return undefined;
    if (CUT_AT_APOSTROPHE.has(base)) lowered = lowered.split("'")[0]!;
    if (lowered.length < 2 && !/\d/.test(lowered)) return undefined;
    if (stop.has(lowered) && !ABBREVIATION.test(word)) return undefined;
    return stemWord(lowered);
  };
  /** Turkish typed with or without its letters stems differently (parası → paras, parasi): both. */
  const variants = (word: string): string[] => {
    const main = term(word);
    if (main === undefined) return [];
    if (base !== "tr") return [main];
    const plain = normalizeWord(word)
      .split("'")[0]!
      .replace(FOLDABLE, (c) => FOLD[c] ?? c);
    const other = stemWord(plain);
    return other === main ? [main] : [main, other];
  };
  analyzer = {
    base,
    term,
    terms(text) {
      const out: string[] = [];
      for (const match of text.replace(TAG, " ").matchAll(WORD)) out.push(...variants(match[0]));
      return out;
    },
    wordTerms(text) {
      const out: Array<{ word: string; terms: string[] }> = [];
      for (const match of text.replace(TAG, " ").matchAll(WORD)) {
        const terms = variants(match[0]);
        if (terms.length > 0) out.push({ word: match[0], terms });
      }
      return out;
    },
    words(text) {
      return [...text.replace(TAG, " ").matchAll(WORD)].map((m) => {
        const lowered = normalizeWord(m[0]);
        const script =
          base === "ar" || base === "fa" ? normalizeArabicScript(lowered, base) : lowered;
        return { raw: script.replace(FOLDABLE, (c) => FOLD[c] ?? c), stem: stemWord(lowered) };
      });
    },
  };
  analyzers.set(base, analyzer);
  return analyzer;
}
