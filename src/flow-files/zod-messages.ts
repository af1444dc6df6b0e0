/**
 * Turns zod's validation issues into sentences an editor understands, with a hint how to fix it
 * and the path of the offending field (for its line and column).
 */
import type { z } from "zod";
import { ANSWER_TYPES, COMPARISONS, ID_PATTERN, TARGET_PATTERN } from "./schema.js";
import { closest } from "./suggest.js";
import type { PathSegment } from "./yaml-source.js";

export interface EditorIssue {
  readonly path: PathSegment[];
  readonly message: string;
  readonly hint?: string;
  /** Whether the problem is the field's name (an unknown field) rather than its value. */
  readonly atKey?: boolean;
}

/** Every field name the content files know, for "did you mean" on unknown fields. */
const KNOWN_FIELDS = [
  "id",
  "start",
  "steps",
  "facts",
  "next",
  "choices",
  "label",
  "ask",
  "type",
  "min",
  "max",
  "save",
  "options",
  "max_length",
  "branch",
  "if",
  "goto",
  "else",
  ...COMPARISONS,
  "var",
  "all",
  "any",
  "not",
  "handoff",
  "topic",
  "office",
  "end",
  "value",
  "unit",
  "legal_basis",
  "valid_from",
  "valid_until",
  "source",
  "checked",
  "confidence",
  "note",
  "name",
  "status",
  "dir",
  "intl",
];

const TYPE_WORDS: Record<string, string> = {
  number: "a number",
  int: "a whole number",
  string: "a text",
  array: "a list (one '- item' per line, or [a, b])",
  object: "a group of fields (name: value, one per line)",
  boolean: "true or false",
  record: "a group of fields (name: value, one per line)",
};

function describeValue(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null) return "an empty value";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a group of fields";
  if (typeof input === "string") return `the text "${input}"`;
  return `${typeof input} ${String(input)}`;
}

function fieldName(path: readonly PathSegment[]): string {
  const last = [...path].reverse().find((p) => typeof p === "string");
  return last === undefined ? "this entry" : `"${last}"`;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<PathSegment, unknown>)[segment];
  }
  return node;
}

function patternHint(pattern: string): string {
  if (pattern === String(ID_PATTERN)) {
    return "Ids use only lower-case letters, digits and _ and start with a letter, for example kita_age.";
  }
  if (pattern === String(TARGET_PATTERN)) {
    return "Write a step id (kita_age) or, for another flow, flow.step (money.menu).";
  }
  return "";
}

/** The branch of a failed union that came closest (fewest issues), with paths made absolute. */
function closestBranch(issue: z.core.$ZodIssueInvalidUnion): z.core.$ZodIssue[] | undefined {
  const branches = issue.errors.filter((b) => b.length > 0);
  if (branches.length === 0) return undefined;
  const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
  return best.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
}

/** Converts zod issues for `data` into editor issues (paths relative to `data`). */
export function explainIssues(issues: readonly z.core.$ZodIssue[], data: unknown): EditorIssue[] {
  const flat: z.core.$ZodIssue[] = [];
  const flatten = (list: readonly z.core.$ZodIssue[]) => {
    for (const issue of list) {
      if (issue.code === "invalid_union" && !("discriminator" in issue && issue.discriminator)) {
        const branch = closestBranch(issue);
        if (branch) {
          flatten(branch);
          continue;
        }
      }
      flat.push(issue);
    }
  };
  flatten(issues);

  // An unknown field that is a typo of a missing one is reported once, as the typo.
  const suggested = new Set<string>();
  const result: EditorIssue[] = [];
  for (const issue of flat) {
    if (issue.code !== "unrecognized_keys") continue;
    for (const key of issue.keys) {
      const match = closest(key, KNOWN_FIELDS);
      if (match !== undefined) suggested.add([...issue.path, match].join("."));
      result.push({
        path: [...(issue.path as PathSegment[]), key],
        message: `"${key}" is not a field that belongs here.`,
        atKey: true,
        hint:
          match !== undefined
            ? `Did you mean "${match}"?`
            : "Remove it, or check the spelling against flows/README.md.",
      });
    }
  }
  for (const issue of flat) {
    if (issue.code === "unrecognized_keys") continue;
    const path = issue.path as PathSegment[];
    const input = valueAt(data, path);
    if (input === undefined && suggested.has(path.join("."))) continue;
    result.push({ path, ...explainOne(issue, path, input) });
  }
  return result;
}

function explainOne(
  issue: z.core.$ZodIssue,
  path: readonly PathSegment[],
  input: unknown,
): { message: string; hint?: string } {
  const name = fieldName(path);
  switch (issue.code) {
    case "invalid_type":
      if (input === undefined) {
        return {
          message: `${name} is missing.`,
          hint: `Add ${name.replaceAll('"', "")}: with ${TYPE_WORDS[issue.expected] ?? issue.expected}.`,
        };
      }
      return {
        message: `${name} must be ${TYPE_WORDS[issue.expected] ?? issue.expected}, but it is ${describeValue(input)}.`,
      };
    case "too_small":
      if (issue.origin === "array") {
        return {
          message: `${name} needs at least ${String(issue.minimum)} entr${issue.minimum === 1 ? "y" : "ies"}.`,
        };
      }
      if (issue.origin === "string") {
        return { message: `${name} is too short (at least ${String(issue.minimum)} characters).` };
      }
      return {
        message: `${name} must be at least ${String(issue.minimum)}, but it is ${describeValue(input)}.`,
      };
    case "too_big":
      if (issue.origin === "array") {
        return {
          message: `${name} has too many entries (at most ${String(issue.maximum)}).`,
          hint: "Split it, for example into a sub-menu.",
        };
      }
      return {
        message: `${name} must be at most ${String(issue.maximum)}, but it is ${describeValue(input)}.`,
      };
    case "invalid_format":
      if (issue.format === "regex" && "pattern" in issue) {
        const pattern = String(issue.pattern);
        const hint =
          patternHint(pattern) ||
          (issue.message.includes("date")
            ? "Write dates as YYYY-MM-DD, for example 2026-12-31."
            : "");
        return {
          message: `${name} has the wrong form: ${describeValue(input)}.`,
          ...(hint && { hint }),
        };
      }
      if (issue.format === "url") {
        return {
          message: `${name} must be a web address starting with https://, but it is ${describeValue(input)}.`,
        };
      }
      return { message: `${name} has the wrong form: ${describeValue(input)}.` };
    case "invalid_value": {
      const allowed = issue.values.map((v) => String(v));
      const match = typeof input === "string" ? closest(input, allowed) : undefined;
      return {
        message: `${name} is ${describeValue(input)}, but must be one of: ${allowed.join(", ")}.`,
        ...(match !== undefined && { hint: `Did you mean "${match}"?` }),
      };
    }
    case "invalid_union": {
      if ("discriminator" in issue && issue.discriminator === "type") {
        const match = typeof input === "string" ? closest(input, ANSWER_TYPES) : undefined;
        return {
          message: `the answer type is ${describeValue(input)}, but must be one of: ${ANSWER_TYPES.join(", ")}.`,
          ...(match !== undefined && { hint: `Did you mean "${match}"?` }),
        };
      }
      return {
        message: `${name} is not valid here.`,
        hint: "Compare it with the examples in flows/README.md.",
      };
    }
    default:
      return { message: `${name}: ${issue.message}.` };
  }
}
