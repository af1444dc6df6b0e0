/** Evaluating the declarative branch conditions of flow files. */
import type { Condition } from "../flow-files/schema.js";
import type { AnswerValue } from "./types.js";

/**
 * Whether a condition holds for the saved answers. A comparison on an unanswered variable, or on
 * a value of another type (a number compared with text), is false: it never throws.
 */
export function evaluateCondition(
  condition: Condition,
  answers: Readonly<Record<string, AnswerValue>>,
): boolean {
  if ("all" in condition) return condition.all.every((c) => evaluateCondition(c, answers));
  if ("any" in condition) return condition.any.some((c) => evaluateCondition(c, answers));
  if ("not" in condition) return !evaluateCondition(condition.not, answers);

  const value = Object.hasOwn(answers, condition.var) ? answers[condition.var] : undefined;
  if (condition.answered !== undefined && (value !== undefined) !== condition.answered) {
    return false;
  }
  if (value === undefined) return condition.answered === false;
  const num = typeof value === "number" ? value : undefined;
  return (
    (condition.eq === undefined || value === condition.eq) &&
    (condition.ne === undefined || value !== condition.ne) &&
    (condition.in === undefined || condition.in.includes(value)) &&
    (condition.lt === undefined || (num !== undefined && num < condition.lt)) &&
    (condition.lte === undefined || (num !== undefined && num <= condition.lte)) &&
    (condition.gt === undefined || (num !== undefined && num > condition.gt)) &&
    (condition.gte === undefined || (num !== undefined && num >= condition.gte))
  );
}
