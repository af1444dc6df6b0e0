/**
 * `flows/offices.yaml`: the offices that receive cases (Jobcenter, Jugendamt, Familienzentrum …)
 * per region, with their caseworker group, opening hours, address and phone, and the topics a
 * parent can ask a person about, each routed to an office. Editor-owned and checked like the flows.
 */
import { z } from "zod";
import type { Problem } from "./problems.js";
import { idSchema } from "./schema.js";
import { didYouMean } from "./suggest.js";
import type { SourceFile } from "./yaml-source.js";
import { explainIssues } from "./zod-messages.js";

export const OFFICES_FILE = "flows/offices.yaml";
/** The namespace of the topic names parents see (`locales/<lang>/offices.json`). */
export const OFFICES_NS = "offices";

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `08:00-12:00` or `08:00-12:00, 14:00-16:00`. */
const HOURS_PATTERN =
  /^\s*\d{2}:\d{2}\s*-\s*\d{2}:\d{2}\s*(,\s*\d{2}:\d{2}\s*-\s*\d{2}:\d{2}\s*)*$/;

const hoursSchema = z
  .string()
  .regex(HOURS_PATTERN, { message: 'opening hours look like "08:00-12:00, 14:00-16:00"' });

const dateSchema = z.iso.date();

/** `default` is the group of CASEWORKER_CHAT_ID; otherwise a group's id, e.g. -1001234567890. */
const chatSchema = z.union([z.literal("default"), z.number().int().negative()]);

const officeSchema = z.strictObject({
  /** As parents and caseworkers read it, e.g. "Jugendamt Musterstadt". */
  name: z.string().min(1).max(64),
  /** Which kind of office this is; topics are routed to a service. Defaults to the office's id. */
  service: idSchema.optional(),
  /** Needed when more than one region is configured. */
  region: idSchema.optional(),
  chat: chatSchema,
  address: z.string().min(1).max(200),
  phone: z.string().min(3).max(40),
  hours: z.partialRecord(z.enum(WEEKDAYS), hoursSchema),
  /** Days the office is closed although the weekday has hours (holidays, team days). */
  closed: z.array(dateSchema).default([]),
  /** Whether parents see the caseworker's first name; otherwise only the office answers. */
  show_names: z.boolean().default(false),
});

const regionSchema = z.strictObject({
  name: z.string().min(1).max(64),
  /** Postcodes or their beginnings ("123" matches 12345). */
  postcodes: z.array(z.string().regex(/^\d{1,5}$/)).default([]),
  places: z.array(z.string().min(1)).default([]),
});

const topicSchema = z.strictObject({
  /** The service that receives this topic, e.g. jugendamt. */
  office: idSchema,
  /** Where in the flows a parent is when this topic is preselected: `flow` or `flow.step_prefix`. */
  from: z.array(z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/)).default([]),
});

export const officesFileSchema = z.strictObject({
  regions: z.record(idSchema, regionSchema).default({}),
  offices: z.record(idSchema, officeSchema),
  topics: z.record(idSchema, topicSchema),
});

export type OfficesFile = z.infer<typeof officesFileSchema>;
export type OfficeEntry = z.infer<typeof officeSchema>;

export interface Office extends Omit<OfficeEntry, "service"> {
  readonly id: string;
  readonly service: string;
}

export interface Offices {
  readonly regions: OfficesFile["regions"];
  readonly offices: ReadonlyMap<string, Office>;
  readonly topics: OfficesFile["topics"];
}

/** Reads and checks `flows/offices.yaml`; problems get the file's positions. */
export function loadOffices(source: SourceFile, problems: Problem[]): Offices | undefined {
  const parsed = officesFileSchema.safeParse(source.data);
  if (!parsed.success) {
    for (const issue of explainIssues(parsed.error.issues, source.data)) {
      problems.push({
        severity: "error",
        file: source.file,
        position: source.position(issue.path, issue.atKey ? "key" : "value"),
        message: issue.message,
        hint: issue.hint,
      });
    }
    return undefined;
  }
  const file = parsed.data;
  const at = (path: (string | number)[], message: string, hint?: string) =>
    problems.push({
      severity: "error",
      file: source.file,
      position: source.position(path, "value"),
      message,
      hint,
    });
  const offices = new Map<string, Office>();
  const regionIds = Object.keys(file.regions);
  for (const [id, entry] of Object.entries(file.offices)) {
    const office: Office = { ...entry, id, service: entry.service ?? id };
    offices.set(id, office);
    for (const [day, hours] of Object.entries(entry.hours)) {
      for (const [from, to] of parseHours(hours ?? "")) {
        if (!validTime(from) || !validTime(to) || from >= to)
          at(
            ["offices", id, "hours", day],
            `office "${id}": "${from}-${to}" is not a time span of one day.`,
            "Write the opening and the closing time, e.g. 08:00-12:00.",
          );
      }
    }
    if (regionIds.length > 1 && entry.region === undefined)
      at(
        ["offices", id],
        `office "${id}" needs a region: more than one region is configured.`,
        `Add  region: ${regionIds[0]}`,
      );
    if (entry.region !== undefined && !file.regions[entry.region])
      at(
        ["offices", id, "region"],
        `office "${id}": there is no region "${entry.region}".${didYouMean(entry.region, regionIds)}`,
      );
  }
  const services = new Set([...offices.values()].map((o) => o.service));
  for (const [topic, entry] of Object.entries(file.topics)) {
    if (!services.has(entry.office)) {
      at(
        ["topics", topic, "office"],
        `topic "${topic}" goes to "${entry.office}", but no office offers it.${didYouMean(entry.office, [...services])}`,
      );
      continue;
    }
    for (const region of regionIds.length > 1 ? regionIds : []) {
      if (![...offices.values()].some((o) => o.service === entry.office && o.region === region))
        at(
          ["topics", topic, "office"],
          `topic "${topic}": region "${region}" has no office "${entry.office}".`,
          `Add an office with  service: ${entry.office}  and  region: ${region}.`,
        );
    }
  }
  return { regions: file.regions, offices, topics: file.topics };
}

/** `"08:00-12:00, 14:00-16:00"` → `[["08:00","12:00"],["14:00","16:00"]]`. */
export function parseHours(hours: string): Array<[string, string]> {
  return hours
    .split(",")
    .map((span) => span.trim())
    .filter(Boolean)
    .map((span) => span.split("-").map((t) => t.trim()) as [string, string]);
}

function validTime(time: string): boolean {
  const [h, m] = time.split(":").map(Number);
  return h !== undefined && m !== undefined && h >= 0 && h <= 24 && m >= 0 && m < 60;
}

/** The topic preselected for a parent at `flow.step`: the most specific `from` that matches. */
export function topicAt(offices: Offices, flow: string, step: string): string | undefined {
  let best: { topic: string; length: number } | undefined;
  for (const [topic, entry] of Object.entries(offices.topics)) {
    for (const from of entry.from) {
      const [f, prefix = ""] = from.split(".");
      if (f === flow && step.startsWith(prefix) && (!best || from.length > best.length))
        best = { topic, length: from.length };
    }
  }
  return best?.topic;
}

/** The office that receives `topic` (or `service`) in `region`. */
export function officeFor(
  offices: Offices,
  service: string,
  region: string | undefined,
): Office | undefined {
  const candidates = [...offices.offices.values()].filter((o) => o.service === service);
  return (
    candidates.find((o) => o.region === region) ??
    candidates.find((o) => o.region === undefined) ??
    (region === undefined ? candidates[0] : undefined)
  );
}

/** The region of a postcode or place name, if one matches. */
export function regionOf(offices: Offices, answer: string): string | undefined {
  const text = answer.trim().toLowerCase();
  const digits = /^\d{5}$/.test(text) ? text : undefined;
  let best: { region: string; length: number } | undefined;
  for (const [id, region] of Object.entries(offices.regions)) {
    if (digits) {
      for (const prefix of region.postcodes)
        if (digits.startsWith(prefix) && (!best || prefix.length > best.length))
          best = { region: id, length: prefix.length };
    } else if (region.places.some((p) => p.toLowerCase() === text)) {
      return id;
    }
  }
  return best?.region;
}
