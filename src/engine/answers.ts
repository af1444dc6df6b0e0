/** Checking typed answers against a question's answer type. */
import type { AskSpec } from "../flow-files/schema.js";
import type { AnswerValue, InvalidReason } from "./types.js";

export type AnswerCheck = { ok: true; value: AnswerValue } | { ok: false; reason: InvalidReason };

const GERMAN_POSTCODE = /^(?!00)\d{5}$/;

/**
 * Parses typed text as an answer. Yes/no and one-of questions are answered with buttons; typed
 * text there is refused with a reason that says so.
 */
export function checkTextAnswer(spec: AskSpec, raw: string): AnswerCheck {
  const text = raw.trim();
  switch (spec.type) {
    case "integer": {
      const normalized = text.replace(/\s+/g, "");
      const invalid: AnswerCheck = {
        ok: false,
        reason: { kind: "integer", min: spec.min, max: spec.max },
      };
      if (!/^[+-]?\d{1,9}$/.test(normalized)) return invalid;
      const value = Number(normalized);
      return value >= spec.min && value <= spec.max ? { ok: true, value } : invalid;
    }
    case "text":
      if (text.length === 0) return { ok: false, reason: { kind: "text_empty" } };
      if (text.length > spec.max_length) {
        return { ok: false, reason: { kind: "text_too_long", max: spec.max_length } };
      }
      return { ok: true, value: text };
    case "postcode": {
      const compact = text.replace(/\s+/g, "");
      return GERMAN_POSTCODE.test(compact)
        ? { ok: true, value: compact }
        : { ok: false, reason: { kind: "postcode" } };
    }
    case "yesno":
      return { ok: false, reason: { kind: "yesno" } };
    case "oneof":
      return { ok: false, reason: { kind: "oneof" } };
    default: {
      const _exhaustive: never = spec;
      return _exhaustive;
    }
  }
}

/** The value a button tap on a yes/no or one-of question saves; `undefined` if out of range. */
export function buttonAnswer(spec: AskSpec, index: number): AnswerValue | undefined {
  if (spec.type === "yesno") return index === 0 ? true : index === 1 ? false : undefined;
  if (spec.type === "oneof") return spec.options[index];
  return undefined;
}

/** The labels of a question's buttons (none for typed answers). */
export function answerButtons(spec: AskSpec, ns: string, step: string) {
  if (spec.type === "yesno") {
    return [
      { index: 0, label: { ns: "common", key: "answer.yes" } },
      { index: 1, label: { ns: "common", key: "answer.no" } },
    ];
  }
  if (spec.type === "oneof") {
    return spec.options.map((option, index) => ({
      index,
      label: { ns, key: `${step}.options.${option}` },
    }));
  }
  return [];
}
