/**
 * Loads the editor-owned content: `flows/*.yaml`, `flows/facts.yaml`, `locales/languages.yaml` and
 * `locales/<lang>/<namespace>.json`. Structural problems (syntax, schema) are collected with their
 * positions; what could be read is returned, so the checker can go on and report more at once.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { FlowSet } from "../engine/types.js";
import type { Problem } from "./problems.js";
import {
  idSchema,
  factSchema,
  flowHeaderSchema,
  KIND_KEYS,
  kindOfStep,
  languagesFileSchema,
  stepSchemas,
  type Fact,
  type Flow,
  type Language,
  type Step,
} from "./schema.js";
import { didYouMean } from "./suggest.js";
import { loadOffices, OFFICES_FILE, OFFICES_NS, type Offices } from "./offices.js";
import { parseJsonSource, parseYamlSource, type SourceFile } from "./yaml-source.js";
import { explainIssues } from "./zod-messages.js";

/** The flow that holds the main menu. */
export const MAIN_FLOW = "main";
/** The namespace of texts the code uses (buttons, notices, errors). */
export const COMMON_NS = "common";
export const FACTS_FILE = "flows/facts.yaml";
export const LANGUAGES_FILE = "locales/languages.yaml";

/** Files in `flows/` that are not flows. */
const NOT_FLOWS = new Set(["facts.yaml", "offices.yaml"]);

/** A nested locale object as i18next takes it. */
export type LocaleTexts = { [key: string]: string | LocaleTexts };

export interface Content {
  readonly flows: FlowSet;
  readonly facts: ReadonlyMap<string, Fact>;
  /** In the order of `locales/languages.yaml`; the source language first. */
  readonly languages: ReadonlyMap<string, Language>;
  readonly sourceLanguage: string;
  /** Who receives cases; absent when `flows/offices.yaml` is missing (no handoff to a person). */
  readonly offices: Offices | undefined;
  /** language → namespace → texts. */
  readonly resources: Record<string, Record<string, LocaleTexts>>;
  readonly sources: ContentSources;
}

export interface ContentSources {
  readonly flows: ReadonlyMap<string, SourceFile>;
  /** Step ids declared in each flow, including steps that failed validation. */
  readonly declaredSteps: ReadonlyMap<string, ReadonlySet<string>>;
  readonly facts: SourceFile | undefined;
  /** `lang/namespace` → file. */
  readonly locales: ReadonlyMap<string, SourceFile>;
  readonly languages: SourceFile | undefined;
  readonly offices: SourceFile | undefined;
}

export interface LoadResult {
  readonly content: Content;
  readonly problems: Problem[];
}

async function readText(root: string, file: string): Promise<string | undefined> {
  try {
    return await readFile(join(root, file), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function listDir(root: string, dir: string): Promise<string[]> {
  try {
    return (await readdir(join(root, dir))).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

function schemaProblems(
  source: SourceFile,
  issues: Parameters<typeof explainIssues>[0],
  data: unknown,
  base: (string | number)[],
  context: { flow?: string; step?: string },
): Problem[] {
  return explainIssues(issues, data).map((issue) => ({
    severity: "error",
    file: source.file,
    position: source.position([...base, ...issue.path], issue.atKey ? "key" : "value"),
    ...context,
    message: issue.message,
    hint: issue.hint,
  }));
}

function loadFlow(
  source: SourceFile,
  fileId: string,
  problems: Problem[],
): { flow: Flow; declared: Set<string> } | undefined {
  const header = flowHeaderSchema.safeParse(source.data);
  if (!header.success) {
    problems.push(
      ...schemaProblems(source, header.error.issues, source.data, [], { flow: fileId }),
    );
    return undefined;
  }
  const { id, start, steps: rawSteps } = header.data;
  if (id !== fileId) {
    problems.push({
      severity: "error",
      file: source.file,
      position: source.position(["id"]),
      flow: fileId,
      message: `the flow id "${id}" does not match the file name.`,
      hint: `Write id: ${fileId}, or rename the file to ${id}.yaml.`,
    });
  }
  const steps = new Map<string, Step>();
  const declared = new Set(Object.keys(rawSteps));
  for (const [stepId, raw] of Object.entries(rawSteps)) {
    const at = ["steps", stepId];
    const context = { flow: fileId, step: stepId };
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      problems.push({
        severity: "error",
        file: source.file,
        position: source.position(at, "key"),
        ...context,
        message:
          "a step must be a group of fields (for example next: menu), indented under its id.",
      });
      continue;
    }
    const kind = kindOfStep(raw as Record<string, unknown>);
    if (typeof kind === "object") {
      problems.push({
        severity: "error",
        file: source.file,
        position: source.position(at, "key"),
        ...context,
        message: `a step can be only one kind, but this one has ${kind.ambiguous.join(" and ")}.`,
        hint: "Split it into two steps and link them with next.",
      });
      continue;
    }
    const parsed = stepSchemas[kind].safeParse(raw);
    if (!parsed.success) {
      const found = schemaProblems(source, parsed.error.issues, raw, at, context);
      const misspeltKind = found.find((p) =>
        KIND_KEYS.some((k) => p.hint === `Did you mean "${k}"?`),
      );
      if (kind === "say" && misspeltKind) {
        // "choises:" is a misspelt kind, not a say step that lacks next.
        problems.push(misspeltKind);
      } else {
        problems.push(
          ...found.map((p) =>
            kind === "say" && p.message === '"next" is missing.'
              ? {
                  ...p,
                  hint: `Every step needs a kind (${KIND_KEYS.join(", ")}) or, to show its text and go on, next: <step>.`,
                }
              : p,
          ),
        );
      }
      continue;
    }
    steps.set(stepId, { ...parsed.data, kind } as Step);
  }
  if (!declared.has(start)) {
    problems.push({
      severity: "error",
      file: source.file,
      position: source.position(["start"]),
      flow: fileId,
      message: `the flow starts at "${start}", which is not one of its steps.${didYouMean(start, declared)}`,
    });
  }
  return { flow: { id, start, steps }, declared };
}

function loadFacts(source: SourceFile, problems: Problem[]): Map<string, Fact> {
  const facts = new Map<string, Fact>();
  if (source.data === null || typeof source.data !== "object" || Array.isArray(source.data)) {
    problems.push({
      severity: "error",
      file: source.file,
      position: { line: 1, column: 1 },
      message: "the facts file must list facts as  id: (followed by its fields, indented).",
    });
    return facts;
  }
  for (const [id, raw] of Object.entries(source.data as Record<string, unknown>)) {
    if (!idSchema.safeParse(id).success) {
      problems.push({
        severity: "error",
        file: source.file,
        position: source.position([id], "key"),
        message: `the fact id "${id}" has the wrong form.`,
        hint: "Ids use only lower-case letters, digits and _ and start with a letter.",
      });
      continue;
    }
    const parsed = factSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(
        ...schemaProblems(source, parsed.error.issues, raw, [id], {}).map((p) => ({
          ...p,
          message: `fact "${id}": ${p.message}`,
        })),
      );
      continue;
    }
    facts.set(id, parsed.data);
  }
  return facts;
}

function isLocaleTexts(value: unknown): value is LocaleTexts {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Reads all content below `root` (the directory holding `flows/` and `locales/`). */
export async function loadContent(root: string): Promise<LoadResult> {
  const problems: Problem[] = [];
  const hash = createHash("sha256");

  const parseInto = async (
    file: string,
    kind: "yaml" | "json",
  ): Promise<SourceFile | undefined> => {
    const text = await readText(root, file);
    if (text === undefined) return undefined;
    hash.update(`${file}\0${text}\0`);
    const parsed = kind === "yaml" ? parseYamlSource(file, text) : parseJsonSource(file, text);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      return undefined;
    }
    return parsed.source;
  };

  // Languages
  const languages = new Map<string, Language>();
  const languagesSource = await parseInto(LANGUAGES_FILE, "yaml");
  if (languagesSource) {
    const parsed = languagesFileSchema.safeParse(languagesSource.data);
    if (parsed.success) {
      for (const [code, language] of Object.entries(parsed.data)) languages.set(code, language);
    } else {
      problems.push(
        ...schemaProblems(languagesSource, parsed.error.issues, languagesSource.data, [], {}),
      );
    }
  } else if (!problems.some((p) => p.file === LANGUAGES_FILE)) {
    problems.push({
      severity: "error",
      file: LANGUAGES_FILE,
      message: "the language list is missing.",
    });
  }
  const sources = [...languages].filter(([, l]) => l.status === "source").map(([code]) => code);
  if (languagesSource && sources.length !== 1) {
    problems.push({
      severity: "error",
      file: LANGUAGES_FILE,
      position: { line: 1, column: 1 },
      message: `exactly one language must have status: source, but ${sources.length} do.`,
    });
  }
  const sourceLanguage = sources[0] ?? "de";
  const ordered = new Map(
    [...languages].sort(([a], [b]) => Number(b === sourceLanguage) - Number(a === sourceLanguage)),
  );

  // Flows
  const flows = new Map<string, Flow>();
  const flowSources = new Map<string, SourceFile>();
  const declaredSteps = new Map<string, ReadonlySet<string>>();
  for (const name of await listDir(root, "flows")) {
    if (!name.endsWith(".yaml") || NOT_FLOWS.has(name)) {
      if (name.endsWith(".yml")) {
        problems.push({
          severity: "error",
          file: `flows/${name}`,
          message: "flow files end in .yaml, not .yml.",
          hint: `Rename it to ${name.replace(/\.yml$/, ".yaml")}.`,
        });
      }
      continue;
    }
    const fileId = name.slice(0, -".yaml".length);
    const source = await parseInto(`flows/${name}`, "yaml");
    if (!source) continue;
    flowSources.set(fileId, source);
    const loaded = loadFlow(source, fileId, problems);
    if (loaded) {
      flows.set(fileId, loaded.flow);
      declaredSteps.set(fileId, loaded.declared);
    }
  }
  if (!flows.has(MAIN_FLOW) && !flowSources.has(MAIN_FLOW)) {
    problems.push({
      severity: "error",
      file: `flows/${MAIN_FLOW}.yaml`,
      message: "the main menu flow is missing.",
    });
  }

  // Facts
  const factsSource = await parseInto(FACTS_FILE, "yaml");
  const facts = factsSource ? loadFacts(factsSource, problems) : new Map<string, Fact>();
  if (!factsSource && !problems.some((p) => p.file === FACTS_FILE)) {
    problems.push({ severity: "error", file: FACTS_FILE, message: "the facts file is missing." });
  }

  // Offices
  const officesSource = await parseInto(OFFICES_FILE, "yaml");
  const offices = officesSource ? loadOffices(officesSource, problems) : undefined;

  // Locales
  const namespaces = [COMMON_NS, ...(officesSource ? [OFFICES_NS] : []), ...flowSources.keys()];
  const resources: Record<string, Record<string, LocaleTexts>> = {};
  const localeSources = new Map<string, SourceFile>();
  for (const [lang] of ordered) {
    const byNs: Record<string, LocaleTexts> = {};
    resources[lang] = byNs;
    const present = new Set(await listDir(root, `locales/${lang}`));
    for (const file of present) {
      const ns = file.replace(/\.json$/, "");
      if (file.endsWith(".json") && !namespaces.includes(ns)) {
        problems.push({
          severity: "warning",
          file: `locales/${lang}/${file}`,
          message: `there is no flow "${ns}", so these texts are never used.${didYouMean(ns, namespaces)}`,
        });
      }
    }
    for (const ns of namespaces) {
      const file = `locales/${lang}/${ns}.json`;
      const source = present.has(`${ns}.json`) ? await parseInto(file, "json") : undefined;
      if (!source) continue;
      if (!isLocaleTexts(source.data)) {
        problems.push({
          severity: "error",
          file,
          position: { line: 1, column: 1 },
          message: 'a locale file must be a JSON object: { "step": { "text": "…" } }.',
        });
        continue;
      }
      localeSources.set(`${lang}/${ns}`, source);
      byNs[ns] = source.data;
    }
  }

  return {
    content: {
      flows: { hash: hash.digest("hex").slice(0, 12), main: MAIN_FLOW, flows },
      facts,
      languages: ordered,
      sourceLanguage,
      offices,
      resources,
      sources: {
        flows: flowSources,
        declaredSteps,
        facts: factsSource,
        locales: localeSources,
        languages: languagesSource,
        offices: officesSource,
      },
    },
    problems,
  };
}

/** The content without its parsed files (syntax trees and positions are for the checker only). */
export function withoutSources(content: Content): Content {
  return {
    ...content,
    sources: {
      flows: new Map(),
      declaredSteps: new Map(),
      facts: undefined,
      locales: new Map(),
      languages: undefined,
      offices: undefined,
    },
  };
}
