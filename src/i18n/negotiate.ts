/** Which shipped language a parent gets: their choice, else Telegram's language, else the default. */

/** Language codes Telegram clients send that belong to a shipped language under another code. */
const ALIASES: Record<string, string> = {
  prs: "fa", // Dari
  "fa-af": "fa",
  pes: "fa",
  ua: "uk",
};

/**
 * Maps a Telegram `language_code` (`uk-UA`, `ar_SY`, `prs`) to a supported language, or
 * `undefined` when none fits.
 */
export function matchLanguage(
  code: string | undefined,
  supported: ReadonlySet<string>,
): string | undefined {
  if (!code) return undefined;
  const normalized = code.trim().toLowerCase().replace(/_/g, "-");
  for (const candidate of [
    normalized,
    ALIASES[normalized],
    normalized.split("-")[0],
    ALIASES[normalized.split("-")[0] ?? ""],
  ]) {
    if (candidate !== undefined && supported.has(candidate)) return candidate;
  }
  return undefined;
}

export interface Negotiated {
  readonly lang: string;
  /** Whether the parent should be offered the language picker (nothing matched). */
  readonly ask: boolean;
}

/** The language for someone whose choice is unknown (no session): Telegram's, else the fallback. */
export function telegramLanguage(
  telegramCode: string | undefined,
  supported: ReadonlySet<string>,
  fallback: string,
): string {
  return negotiateLanguage(undefined, telegramCode, supported, fallback).lang;
}

export function negotiateLanguage(
  chosen: string | undefined,
  telegramCode: string | undefined,
  supported: ReadonlySet<string>,
  fallback: string,
): Negotiated {
  if (chosen !== undefined && supported.has(chosen)) return { lang: chosen, ask: false };
  const matched = matchLanguage(telegramCode, supported);
  if (matched !== undefined) return { lang: matched, ask: false };
  return {
    lang: supported.has(fallback) ? fallback : [...supported][0]!,
    ask: telegramCode !== undefined,
  };
}
