/** Amounts, numbers and dates for a language, with `Intl`. */
import type { Fact } from "../flow-files/schema.js";

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function memo<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let format = cache.get(key) as T | undefined;
  if (!format) {
    format = make();
    cache.set(key, format);
  }
  return format;
}

/** `259 €`, `202,68 €`, `36 %`, `15`: a fact's value as a text interpolates it. */
export function formatFactValue(fact: Fact, intl: string): string {
  const value = fact.value;
  if (value === undefined) return "";
  const cents = !Number.isInteger(value);
  switch (fact.unit) {
    case "eur":
      return memo(
        `${intl}:eur:${cents}`,
        () =>
          new Intl.NumberFormat(intl, {
            style: "currency",
            currency: "EUR",
            // "€" in every language (Ukrainian would write "EUR"), as on German letters.
            currencyDisplay: "narrowSymbol",
            minimumFractionDigits: cents ? 2 : 0,
            maximumFractionDigits: 2,
          }),
      ).format(value);
    case "percent":
      return memo(
        `${intl}:percent`,
        () => new Intl.NumberFormat(intl, { style: "percent", maximumFractionDigits: 1 }),
      ).format(value / 100);
    default:
      return memo(
        `${intl}:number`,
        () => new Intl.NumberFormat(intl, { maximumFractionDigits: 2 }),
      ).format(value);
  }
}

/** An ISO date (`2026-08-19`) as the language writes it (`19.08.2026`, `19 Aug 2026`). */
export function formatDate(iso: string, intl: string): string {
  const date = new Date(`${iso}T12:00:00Z`);
  return memo(
    `${intl}:date`,
    () => new Intl.DateTimeFormat(intl, { dateStyle: "medium", timeZone: "Europe/Berlin" }),
  ).format(date);
}
