/**
 * Office hours in Europe/Berlin: is the office open now, and when does it open next. Pure: the
 * time is passed in, so tests and the playground can pick any moment.
 */
import { parseHours, WEEKDAYS, type Office, type Weekday } from "../flow-files/offices.js";

export const OFFICE_TIME_ZONE = "Europe/Berlin";

const parts = new Intl.DateTimeFormat("en-GB", {
  timeZone: OFFICE_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  weekday: "short",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

interface LocalTime {
  /** `2026-11-23` */
  readonly date: string;
  readonly weekday: Weekday;
  /** `08:05` */
  readonly time: string;
}

/** The wall-clock date, weekday and time in Berlin at `instant`. */
export function berlinTime(instant: Date): LocalTime {
  const p = Object.fromEntries(parts.formatToParts(instant).map((x) => [x.type, x.value]));
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    weekday: p.weekday!.toLowerCase().slice(0, 3) as Weekday,
    time: `${p.hour}:${p.minute}`,
  };
}

/** The instant of a Berlin wall-clock time (CET or CEST, whichever holds on that day). */
export function berlinInstant(date: string, time: string): Date {
  const [y, m, d] = date.split("-").map(Number);
  const [h, min] = time.split(":").map(Number);
  const utc = Date.UTC(y!, m! - 1, d!, h!, min!);
  for (const offsetHours of [1, 2]) {
    const candidate = new Date(utc - offsetHours * 3_600_000);
    const local = berlinTime(candidate);
    if (local.date === date && local.time === time.padStart(5, "0")) return candidate;
  }
  return new Date(utc - 3_600_000);
}

export type OfficeStatus = { open: true } | { open: false; next: Date | undefined };

/** Whether the office is open at `now`, and if not, when it opens next (within two weeks). */
export function officeStatus(office: Pick<Office, "hours" | "closed">, now: Date): OfficeStatus {
  const closed = new Set(office.closed);
  const today = berlinTime(now);
  const [year, month, date] = today.date.split("-").map(Number);
  for (let day = 0; day <= 14; day++) {
    // Calendar days, not 24-hour steps: a day with a clock change has 23 or 25 hours.
    const local =
      day === 0 ? today : berlinTime(new Date(Date.UTC(year!, month! - 1, date! + day, 12)));
    if (closed.has(local.date)) continue;
    const spans = parseHours(office.hours[local.weekday] ?? "").sort(([a], [b]) =>
      a.localeCompare(b),
    );
    for (const [from, to] of spans) {
      if (day === 0 && today.time >= from && today.time < to) return { open: true };
      if (day > 0 || today.time < from)
        return { open: false, next: berlinInstant(local.date, from) };
    }
  }
  return { open: false, next: undefined };
}

const described = new WeakMap<object, Map<string, string>>();

/** "Mo 08:00-12:00 · Di …" for texts that list the opening hours, in the language's day names. */
export function describeHours(office: Pick<Office, "hours">, locale: string): string {
  // Offices are immutable per content version: describe each once per language.
  let byLocale = described.get(office.hours);
  if (!byLocale) described.set(office.hours, (byLocale = new Map()));
  let text = byLocale.get(locale);
  if (text === undefined) byLocale.set(locale, (text = describe(office, locale)));
  return text;
}

function describe(office: Pick<Office, "hours">, locale: string): string {
  const monday = new Date(Date.UTC(2024, 0, 1, 12));
  const dayName = new Intl.DateTimeFormat(locale, { weekday: "short", timeZone: "UTC" });
  return WEEKDAYS.flatMap((day, i) => {
    const hours = office.hours[day];
    if (!hours) return [];
    const name = dayName.format(new Date(monday.getTime() + i * 86_400_000));
    return [
      `${name} ${parseHours(hours)
        .map(([a, b]) => `${a}–${b}`)
        .join(", ")}`,
    ];
  }).join(" · ");
}
