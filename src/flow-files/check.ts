/**
 * The checker behind `npm run check:flows`: everything an editor can get wrong in flows, facts and
 * texts, reported with file, line, column, step and a hint how to fix it.
 */
import { findStep, resolveTarget } from "../engine/advance.js";
import { EMERGENCY_STEP } from "../search/emergency.js";
import {
  COMMON_BUTTONS,
  COMMON_KEYS,
  COMMON_PLURALS,
  type CommonKey,
} from "../i18n/common-keys.js";
import { createTexts } from "../i18n/texts.js";
import {
  COMMON_NS,
  FACTS_FILE,
  loadContent,
  MAIN_FLOW,
  type Content,
  type LocaleTexts,
} from "./load.js";
import { OFFICES_FILE, OFFICES_NS } from "./offices.js";
import type { Problem, Severity } from "./problems.js";
import {
  isWaitingStep,
  stepText,
  type AnswerType,
  type AskSpec,
  type Condition,
  type Step,
} from "./schema.js";
import { didYouMean } from "./suggest.js";
import { checkTelegramHtml, tagsOf, visibleLength } from "../telegram-api/html.js";
import type { PathSegment, SourceFile } from "./yaml-source.js";

/** Telegram's limits for one message and one button label. */
export const MAX_MESSAGE_LENGTH = 4096;
export const MAX_BUTTON_LENGTH = 64;
/** Facts that end within this many days are warned about. */
export const EXPIRY_WARNING_DAYS = 60;

export interface CoverageRow {
  readonly lang: string;
  readonly name: string;
  readonly status: string;
  readonly present: number;
  readonly required: number;
}

export interface CheckReport {
  readonly problems: Problem[];
  readonly coverage: CoverageRow[];
}

export interface CheckOptions {
  /** The day facts are checked against (YYYY-MM-DD); today by default. */
  readonly today?: string;
}

interface SavedVar {
  readonly type: AnswerType;
  readonly options?: readonly string[];
  readonly where: string;
}

/** A text the content needs: where it is required and what may fill its placeholders. */
interface RequiredText {
  readonly ns: string;
  readonly key: string;
  readonly step?: string;
  /** `optional`: needed only where the source language has it. */
  readonly need: "required" | "optional";
  readonly isButton: boolean;
  /** Facts the step lists (their legal basis is shown), for flow texts. */
  readonly stepFacts?: readonly string[];
  /** Placeholders allowed besides facts and saved answers (common texts). */
  readonly allowedVars?: readonly string[];
  /** A text with plural forms: `key` is the base, each language has `<key>_<form>`. */
  readonly plural?: boolean;
  /** For one plural form: the source text it is compared with. */
  readonly sourceKey?: string;
}

/** The plural forms a language needs for a plural text (`one`, `other`; Arabic has six). */
export function pluralForms(lang: string, withZero: boolean): string[] {
  const categories: string[] = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
  return withZero && !categories.includes("zero") ? ["zero", ...categories] : categories;
}

/** Loads the content below `root` and checks it. */
export async function checkDirectory(root: string, options: CheckOptions = {}) {
  const { content, problems } = await loadContent(root);
  const report = checkContent(content, options);
  return { content, problems: [...problems, ...report.problems], coverage: report.coverage };
}

/** Checks loaded content: the flow graph, facts, texts and Telegram's limits. */
export function checkContent(content: Content, options: CheckOptions = {}): CheckReport {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const problems: Problem[] = [];
  const vars = checkFlows(content, problems);
  checkFacts(content, today, problems);
  checkHandoffs(content, problems);
  // (Content without that flow at all, such as a small test set, has no emergency page to keep.)
  if (
    content.flows.flows.has(EMERGENCY_STEP.split(".")[0]!) &&
    !findStep(content.flows, EMERGENCY_STEP)
  )
    problems.push({
      severity: "error",
      file: `flows/${EMERGENCY_STEP.split(".")[0]}.yaml`,
      message: `the step "${EMERGENCY_STEP}" is missing: the bot shows it (with the emergency numbers) when a message sounds like an emergency.`,
      hint: "Keep a step with that name that lists the emergency numbers.",
    });
  const coverage = checkTexts(content, vars, problems);
  return { problems, coverage };
}

function stepProblem(
  content: Content,
  flow: string,
  step: string | undefined,
  path: PathSegment[],
  severity: Severity,
  message: string,
  hint?: string,
): Problem {
  const source = content.sources.flows.get(flow);
  return {
    severity,
    file: source?.file ?? `flows/${flow}.yaml`,
    position: source?.position(
      step === undefined ? path : ["steps", step, ...path],
      path.length ? "value" : "key",
    ),
    flow,
    step,
    message,
    hint,
  };
}

/** Every target a step can go to, with the path of the field that names it. */
function targetsOf(step: Step): Array<{ target: string; path: PathSegment[] }> {
  switch (step.kind) {
    case "say":
    case "ask":
      return [{ target: step.next, path: ["next"] }];
    case "choices":
      return step.choices.map((c, i) => ({ target: c.next, path: ["choices", i, "next"] }));
    case "branch":
      return step.branch.map((rule, i) =>
        "else" in rule
          ? { target: rule.else, path: ["branch", i, "else"] }
          : { target: rule.goto, path: ["branch", i, "goto"] },
      );
    case "goto":
      return [{ target: step.goto, path: ["goto"] }];
    case "handoff":
    case "end":
      return [];
    default: {
      const _exhaustive: never = step;
      return _exhaustive;
    }
  }
}

function checkFlows(content: Content, problems: Problem[]): Map<string, SavedVar> {
  const { flows } = content.flows;
  const declared = content.sources.declaredSteps;
  const vars = new Map<string, SavedVar>();
  const edges = new Map<string, string[]>();

  for (const flow of flows.values()) {
    for (const [id, step] of flow.steps) {
      const ref = `${flow.id}.${id}`;
      const out: string[] = [];
      for (const { target, path } of targetsOf(step)) {
        const resolved = resolveTarget(flow.id, target);
        const [targetFlow, targetStep] = resolved.split(".") as [string, string];
        const steps = declared.get(targetFlow);
        if (!steps) {
          problems.push(
            stepProblem(
              content,
              flow.id,
              id,
              path,
              "error",
              `goes to the flow "${targetFlow}", which does not exist.${didYouMean(targetFlow, flows.keys())}`,
              "Write flow.step with the id of a file in flows/ (without .yaml).",
            ),
          );
        } else if (!steps.has(targetStep)) {
          const field =
            path.find((p) => typeof p === "string" && p !== "choices" && p !== "branch") ?? "next";
          problems.push(
            stepProblem(
              content,
              flow.id,
              id,
              path,
              "error",
              `${String(field)} goes to "${target}", which does not exist.${didYouMean(targetStep, steps)}`,
              targetFlow === flow.id
                ? undefined
                : `The flow "${targetFlow}" has no step "${targetStep}".`,
            ),
          );
        } else {
          out.push(resolved);
        }
      }
      edges.set(ref, out);

      if (step.kind === "choices") {
        duplicates(step.choices.map((c) => c.label)).forEach((label) =>
          problems.push(
            stepProblem(
              content,
              flow.id,
              id,
              ["choices"],
              "error",
              `two buttons have the label id "${label}".`,
              "Give each button its own label id.",
            ),
          ),
        );
      }
      if (step.kind === "ask") checkAsk(content, flow.id, id, step.ask, vars, problems);
      if (step.kind === "branch") {
        const elseAt = step.branch.findIndex((rule) => "else" in rule);
        if (elseAt < 0) {
          problems.push(
            stepProblem(
              content,
              flow.id,
              id,
              ["branch"],
              "error",
              "this branch has no else, so a parent whose answers match no rule would be stuck.",
              "Add  - { else: <step> }  as the last rule.",
            ),
          );
        } else if (elseAt < step.branch.length - 1) {
          problems.push(
            stepProblem(
              content,
              flow.id,
              id,
              ["branch", elseAt + 1],
              "error",
              "rules after else are never used.",
              "Move  - { else: … }  to the end.",
            ),
          );
        }
      }
    }
  }

  // Conditions need every saved answer, across all flows, so they are checked after the loop.
  for (const flow of flows.values()) {
    for (const [id, step] of flow.steps) {
      if (step.kind !== "branch") continue;
      step.branch.forEach((rule, i) => {
        if ("if" in rule)
          checkCondition(content, flow.id, id, rule.if, ["branch", i, "if"], vars, problems);
      });
    }
  }

  checkGraph(content, edges, problems);
  return vars;
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}

function checkAsk(
  content: Content,
  flow: string,
  id: string,
  ask: AskSpec,
  vars: Map<string, SavedVar>,
  problems: Problem[],
): void {
  if (ask.type === "integer" && ask.min > ask.max) {
    problems.push(
      stepProblem(
        content,
        flow,
        id,
        ["ask", "min"],
        "error",
        `min (${ask.min}) is larger than max (${ask.max}).`,
        "Swap them.",
      ),
    );
  }
  if (ask.type === "oneof") {
    duplicates(ask.options).forEach((option) =>
      problems.push(
        stepProblem(
          content,
          flow,
          id,
          ["ask", "options"],
          "error",
          `the option "${option}" is listed twice.`,
        ),
      ),
    );
  }
  const where = `${flow}.${id}`;
  const earlier = vars.get(ask.save);
  if (earlier && earlier.type !== ask.type) {
    problems.push(
      stepProblem(
        content,
        flow,
        id,
        ["ask", "save"],
        "error",
        `the answer "${ask.save}" is saved as ${ask.type} here, but as ${earlier.type} in ${earlier.where}.`,
        "Use a different name for one of them.",
      ),
    );
  }
  if (content.facts.has(ask.save)) {
    problems.push(
      stepProblem(
        content,
        flow,
        id,
        ["ask", "save"],
        "error",
        `the answer name "${ask.save}" is also the id of a fact, so {{${ask.save}}} in a text would be ambiguous.`,
        "Choose another name for the answer.",
      ),
    );
  }
  if (!earlier)
    vars.set(ask.save, {
      type: ask.type,
      ...(ask.type === "oneof" && { options: ask.options }),
      where,
    });
}

function checkCondition(
  content: Content,
  flow: string,
  id: string,
  condition: Condition,
  path: PathSegment[],
  vars: ReadonlyMap<string, SavedVar>,
  problems: Problem[],
): void {
  const report = (at: PathSegment[], message: string, hint?: string) =>
    problems.push(stepProblem(content, flow, id, at, "error", message, hint));
  if ("all" in condition) {
    condition.all.forEach((c, i) =>
      checkCondition(content, flow, id, c, [...path, "all", i], vars, problems),
    );
    return;
  }
  if ("any" in condition) {
    condition.any.forEach((c, i) =>
      checkCondition(content, flow, id, c, [...path, "any", i], vars, problems),
    );
    return;
  }
  if ("not" in condition) {
    checkCondition(content, flow, id, condition.not, [...path, "not"], vars, problems);
    return;
  }
  const saved = vars.get(condition.var);
  if (!saved) {
    report(
      [...path, "var"],
      `the condition uses the answer "${condition.var}", but no question saves it.${didYouMean(condition.var, vars.keys())}`,
      "Check the spelling against save: in the ask steps.",
    );
    return;
  }
  const { var: _name, answered, ...comparisons } = condition;
  const operators = Object.entries(comparisons).filter(([, v]) => v !== undefined);
  if (operators.length === 0 && answered === undefined) {
    report(
      path,
      `the condition names "${condition.var}" but does not compare it.`,
      "Add for example eq: true, lt: 3 or in: [a, b].",
    );
  }
  for (const [op, value] of operators) {
    if (["lt", "lte", "gt", "gte"].includes(op) && saved.type !== "integer") {
      report(
        [...path, op],
        `${op} compares numbers, but "${condition.var}" is a ${saved.type} answer.`,
        "Use eq or in.",
      );
      continue;
    }
    for (const v of op === "in" ? (value as unknown[]) : [value]) {
      const wrong =
        (saved.type === "integer" && typeof v !== "number") ||
        (saved.type === "yesno" && typeof v !== "boolean") ||
        (["text", "postcode", "oneof"].includes(saved.type) && typeof v !== "string");
      if (wrong && op !== "lt" && op !== "lte" && op !== "gt" && op !== "gte") {
        const expected =
          saved.type === "integer"
            ? "a number"
            : saved.type === "yesno"
              ? "true or false"
              : "a text";
        report(
          [...path, op],
          `"${condition.var}" is a ${saved.type} answer, so compare it with ${expected}, not ${JSON.stringify(v)}.`,
        );
      } else if (saved.options && typeof v === "string" && !saved.options.includes(v)) {
        report(
          [...path, op],
          `"${v}" is not an option of "${condition.var}".${didYouMean(v, saved.options)}`,
          `Options: ${saved.options.join(", ")}.`,
        );
      }
    }
  }
}

/** Reachability, dead ends and circles of steps that never wait. */
function checkGraph(
  content: Content,
  edges: ReadonlyMap<string, readonly string[]>,
  problems: Problem[],
): void {
  const { flows } = content.flows;
  const stepOf = (ref: string) => {
    const [flow, id] = ref.split(".") as [string, string];
    return { flow, id, step: flows.get(flow)?.steps.get(id) };
  };

  // Reachable from the main menu or from any flow's start (deep links open a flow at its start).
  const roots = [...flows.values()].map((f) => `${f.id}.${f.start}`);
  const reached = new Set<string>();
  const queue = roots.filter((r) => edges.has(r));
  for (const r of queue) reached.add(r);
  while (queue.length > 0) {
    for (const next of edges.get(queue.pop()!) ?? []) {
      if (!reached.has(next) && edges.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  // A flow with steps that failed to load would report every step behind them: fix those first.
  const broken = new Set(
    [...flows.values()]
      .filter((f) => content.sources.declaredSteps.get(f.id)?.size !== f.steps.size)
      .map((f) => f.id),
  );
  const isBroken = (ref: string) => broken.has(stepOf(ref).flow);
  for (const ref of edges.keys()) {
    if (reached.has(ref) || isBroken(ref)) continue;
    const { flow, id } = stepOf(ref);
    problems.push(
      stepProblem(
        content,
        flow,
        id,
        [],
        "warning",
        "no button, question or jump leads here, so parents never see it.",
        "Link it (next:, goto: or a choice) or remove it.",
      ),
    );
  }

  // Dead ends: steps from which no menu, question, handoff or end can be reached.
  const settles = new Set<string>();
  const reverse = new Map<string, string[]>();
  for (const [from, tos] of edges) {
    for (const to of tos) reverse.set(to, [...(reverse.get(to) ?? []), from]);
  }
  const pending = [...edges.keys()].filter((ref) => {
    const step = stepOf(ref).step;
    return (
      step !== undefined && (isWaitingStep(step) || step.kind === "handoff" || step.kind === "end")
    );
  });
  for (const ref of pending) settles.add(ref);
  while (pending.length > 0) {
    for (const from of reverse.get(pending.pop()!) ?? []) {
      if (!settles.has(from)) {
        settles.add(from);
        pending.push(from);
      }
    }
  }
  for (const ref of edges.keys()) {
    if (settles.has(ref) || isBroken(ref)) continue;
    const { flow, id } = stepOf(ref);
    problems.push(
      stepProblem(
        content,
        flow,
        id,
        [],
        "error",
        "dead end: from here the parent never reaches a menu, question, handoff or end.",
        "Lead it to a menu (next: menu) or end it (end: true).",
      ),
    );
  }

  // Circles through say/branch/goto steps only: the bot would talk on without ever waiting.
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const reportedCircles = new Set<string>();
  const visit = (ref: string): void => {
    state.set(ref, "open");
    stack.push(ref);
    for (const next of edges.get(ref) ?? []) {
      const step = stepOf(next).step;
      if (!step || isWaitingStep(step) || step.kind === "handoff" || step.kind === "end") continue;
      if (state.get(next) === "open") {
        const circle = stack.slice(stack.indexOf(next));
        const key = [...circle].sort().join(",");
        if (!reportedCircles.has(key)) {
          reportedCircles.add(key);
          const { flow, id } = stepOf(next);
          problems.push(
            stepProblem(
              content,
              flow,
              id,
              [],
              "error",
              `goes round in a circle without waiting for the parent: ${[...circle, next].join(" → ")}.`,
              "Put a menu or a question into the circle.",
            ),
          );
        }
      } else if (!state.has(next)) {
        visit(next);
      }
    }
    stack.pop();
    state.set(ref, "done");
  };
  for (const ref of edges.keys()) {
    const step = stepOf(ref).step;
    if (step && !isWaitingStep(step) && !state.has(ref)) visit(ref);
  }

  const main = flows.get(MAIN_FLOW);
  const mainStart = main?.steps.get(main.start);
  if (main && mainStart && mainStart.kind !== "choices") {
    problems.push(
      stepProblem(
        content,
        MAIN_FLOW,
        main.start,
        [],
        "error",
        "the main menu must be a choices step: it is what /start and /menu show.",
        "Give it choices:.",
      ),
    );
  }
}

function checkFacts(content: Content, today: string, problems: Problem[]): void {
  const source = content.sources.facts;
  const file = source?.file ?? FACTS_FILE;
  const used = new Set<string>();
  const refs: Array<{ id: string; flow: string; step: string; index: number }> = [];
  for (const flow of content.flows.flows.values()) {
    for (const [id, step] of flow.steps) {
      if ("facts" in step && step.facts) {
        step.facts.forEach((fact, index) =>
          refs.push({ id: fact, flow: flow.id, step: id, index }),
        );
      }
    }
  }
  for (const ref of refs) {
    used.add(ref.id);
    if (!content.facts.has(ref.id)) {
      problems.push(
        stepProblem(
          content,
          ref.flow,
          ref.step,
          ["facts", ref.index],
          "error",
          `the fact "${ref.id}" is not in ${FACTS_FILE}.${didYouMean(ref.id, content.facts.keys())}`,
          `Add it to ${FACTS_FILE} with its legal basis, validity and source, or fix the name.`,
        ),
      );
    }
  }
  const warnFrom = addDays(today, EXPIRY_WARNING_DAYS);
  for (const [id, fact] of content.facts) {
    const at = (field: string) => source?.position([id, field]);
    if (fact.valid_until !== null && fact.valid_until < today) {
      problems.push({
        severity: "error",
        file,
        position: at("valid_until"),
        message: `fact "${id}" was valid until ${fact.valid_until}, which has passed.`,
        hint: "Check the current value in the source, then update value, valid_from, valid_until and checked.",
      });
    } else if (fact.valid_until !== null && fact.valid_until <= warnFrom) {
      problems.push({
        severity: "warning",
        file,
        position: at("valid_until"),
        message: `fact "${id}" is valid only until ${fact.valid_until} (in ${daysBetween(today, fact.valid_until)} days).`,
        hint: "Check whether a new value has been decided and prepare the update.",
      });
    }
    if (fact.valid_until !== null && fact.valid_from > fact.valid_until) {
      problems.push({
        severity: "error",
        file,
        position: at("valid_from"),
        message: `fact "${id}" starts after it ends.`,
        hint: "Check valid_from and valid_until.",
      });
    }
    if (fact.checked > today) {
      problems.push({
        severity: "error",
        file,
        position: at("checked"),
        message: `fact "${id}" says it was checked on ${fact.checked}, which is in the future.`,
      });
    }
    if (!used.has(id)) {
      problems.push({
        severity: "warning",
        file,
        position: source?.position([id], "key"),
        message: `fact "${id}" is not used by any step.`,
        hint: "List it under facts: of the step that relies on it, or remove it.",
      });
    }
  }
}

function addDays(iso: string, days: number): string {
  return new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function requiredTexts(content: Content): RequiredText[] {
  const texts: RequiredText[] = Object.entries(COMMON_KEYS).map(([key, allowedVars]) => ({
    ns: COMMON_NS,
    key,
    need: "required",
    isButton: COMMON_BUTTONS.has(key) || key.startsWith("nav.") || key.startsWith("answer."),
    allowedVars,
    plural: COMMON_PLURALS.has(key as CommonKey),
  }));
  for (const topic of Object.keys(content.offices?.topics ?? {}))
    texts.push({ ns: OFFICES_NS, key: `topic.${topic}`, need: "required", isButton: true });
  for (const flow of content.flows.flows.values()) {
    for (const [id, step] of flow.steps) {
      const stepFacts = "facts" in step ? (step.facts ?? []) : [];
      const need = stepText(step);
      if (need !== "none")
        texts.push({ ns: flow.id, key: `${id}.text`, step: id, need, isButton: false, stepFacts });
      if (step.kind === "choices") {
        for (const choice of step.choices) {
          texts.push({
            ns: flow.id,
            key: `${id}.choices.${choice.label}`,
            step: id,
            need: "required",
            isButton: true,
            stepFacts,
          });
        }
      }
      if (step.kind === "ask" && step.ask.type === "oneof") {
        for (const option of step.ask.options) {
          texts.push({
            ns: flow.id,
            key: `${id}.options.${option}`,
            step: id,
            need: "required",
            isButton: true,
            stepFacts,
          });
        }
      }
    }
  }
  return texts;
}

/** Handoff steps name topics (and services) that `flows/offices.yaml` routes. */
function checkHandoffs(content: Content, problems: Problem[]): void {
  const { offices } = content;
  for (const flow of content.flows.flows.values()) {
    for (const [id, step] of flow.steps) {
      if (step.kind !== "handoff") continue;
      if (!offices) {
        problems.push(
          stepProblem(
            content,
            flow.id,
            id,
            ["handoff"],
            "warning",
            `a handoff needs ${OFFICES_FILE}; without it parents only get the general contacts.`,
          ),
        );
        continue;
      }
      const topics = Object.keys(offices.topics);
      if (!offices.topics[step.handoff.topic])
        problems.push(
          stepProblem(
            content,
            flow.id,
            id,
            ["handoff", "topic"],
            "error",
            `there is no topic "${step.handoff.topic}" in ${OFFICES_FILE}.${didYouMean(step.handoff.topic, topics)}`,
          ),
        );
      const services = [...new Set([...offices.offices.values()].map((o) => o.service))];
      if (step.handoff.office !== undefined && !services.includes(step.handoff.office))
        problems.push(
          stepProblem(
            content,
            flow.id,
            id,
            ["handoff", "office"],
            "error",
            `there is no office "${step.handoff.office}" in ${OFFICES_FILE}.${didYouMean(step.handoff.office, services)}`,
          ),
        );
    }
  }
}

/** Flattens nested locale texts to dotted keys; non-text leaves are reported. */
function flatten(
  texts: LocaleTexts,
  source: SourceFile,
  problems: Problem[],
  prefix: string[] = [],
): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(texts)) {
    const path = [...prefix, key];
    if (typeof value === "string") out.set(path.join("."), value);
    else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, v] of flatten(value, source, problems, path)) out.set(k, v);
    } else {
      problems.push({
        severity: "error",
        file: source.file,
        position: source.position(path),
        message: `"${path.join(".")}" must be a text in "double quotes".`,
      });
    }
  }
  return out;
}

const PLACEHOLDER = /\{\{\s*-?\s*([a-zA-Z0-9_.]+)\s*(?:,[^}]*)?\}\}/g;

function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))].sort();
}

/** A sample value for each answer, as long as it can get, to measure rendered texts. */
function sampleVars(
  vars: ReadonlyMap<string, SavedVar>,
): Record<string, string | number | boolean> {
  const sample: Record<string, string | number | boolean> = {};
  for (const [name, saved] of vars) {
    sample[name] =
      saved.type === "integer"
        ? 99
        : saved.type === "yesno"
          ? true
          : saved.type === "postcode"
            ? "12345"
            : "x".repeat(saved.type === "text" ? 200 : 30);
  }
  return sample;
}

function checkTexts(
  content: Content,
  vars: ReadonlyMap<string, SavedVar>,
  problems: Problem[],
): CoverageRow[] {
  const source = content.sourceLanguage;
  const required = requiredTexts(content);
  const texts = createTexts(content);
  const samples = sampleVars(vars);
  const factIds = new Set(content.facts.keys());
  const coverage: CoverageRow[] = [];

  const flat = new Map<string, Map<string, string>>();
  for (const [lang] of content.languages) {
    for (const ns of Object.keys(content.resources[lang] ?? {})) {
      const file = content.sources.locales.get(`${lang}/${ns}`);
      if (file) flat.set(`${lang}/${ns}`, flatten(content.resources[lang]![ns]!, file, problems));
    }
  }
  const lookup = (lang: string, ns: string, key: string) => flat.get(`${lang}/${ns}`)?.get(key);

  for (const [lang, language] of content.languages) {
    const isSource = lang === source;
    const severity: Severity = language.status === "beta" ? "warning" : "error";
    const languageName = `${language.name} (${lang})`;
    let present = 0;
    let needed = 0;
    const missingFiles = new Set<string>();
    const languageTexts = required.flatMap((text): RequiredText[] => {
      if (!text.plural) return [text];
      const withZero = lookup(source, text.ns, `${text.key}_zero`) !== undefined;
      return pluralForms(lang, withZero).map((form) => {
        const key = `${text.key}_${form}`;
        const sourceKey = lookup(source, text.ns, key) === undefined ? `${text.key}_other` : key;
        return { ...text, key, sourceKey, plural: false };
      });
    });

    for (const text of languageTexts) {
      const sourceText = lookup(source, text.ns, text.sourceKey ?? text.key);
      if (text.need === "optional" && sourceText === undefined) continue;
      needed++;
      const file = `locales/${lang}/${text.ns}.json`;
      const fileSource = content.sources.locales.get(`${lang}/${text.ns}`);
      const value = lookup(lang, text.ns, text.key);
      const segments = text.key.split(".");
      const at = (problem: Omit<Problem, "file" | "position" | "flow" | "step">): Problem => ({
        file,
        position: fileSource?.position(segments, "key"),
        flow: text.ns === COMMON_NS ? undefined : text.ns,
        step: text.step,
        ...problem,
      });

      if (value === undefined || value.trim() === "") {
        if (!fileSource) {
          if (!missingFiles.has(file)) {
            missingFiles.add(file);
            problems.push({
              severity,
              file,
              message: `the text file is missing for ${languageName}.`,
              hint: isSource
                ? `Create it with a text for each step of flows/${text.ns}.yaml.`
                : `Create it with the same keys as locales/${source}/${text.ns}.json.`,
            });
          }
          continue;
        }
        problems.push(
          at({
            severity,
            message: `the text "${text.key}" is missing in ${languageName}.`,
            hint: isSource
              ? `Add it to ${file}.`
              : sourceText !== undefined
                ? `Add the translation of: "${sourceText.slice(0, 80)}${sourceText.length > 80 ? "…" : ""}"`
                : "Add it.",
          }),
        );
        continue;
      }
      present++;

      // Placeholders: known in the source; the same in every translation.
      const placeholders = placeholdersOf(value);
      if (isSource) {
        for (const name of placeholders) {
          const known = text.allowedVars
            ? text.allowedVars.includes(name)
            : factIds.has(name) || vars.has(name);
          if (factIds.has(name) && content.facts.get(name)?.value === undefined) {
            problems.push(
              at({
                severity: "error",
                message: `{{${name}}} is a fact without a value, so there is nothing to show.`,
                hint: `List it under facts: to show its legal basis, or give it a value in ${FACTS_FILE}.`,
              }),
            );
          } else if (!known) {
            const candidates = text.allowedVars ?? [...factIds, ...vars.keys()];
            problems.push(
              at({
                severity: "error",
                message: `{{${name}}} is neither a fact nor a saved answer.${didYouMean(name, candidates)}`,
                hint: text.allowedVars
                  ? `Allowed here: ${text.allowedVars.map((v) => `{{${v}}}`).join(", ") || "none"}.`
                  : `Facts are listed in ${FACTS_FILE}.`,
              }),
            );
          } else if (factIds.has(name) && text.stepFacts && !text.stepFacts.includes(name)) {
            problems.push(
              at({
                severity: "error",
                message: `the text shows {{${name}}}, but the step does not list "${name}" under facts:, so its legal basis is not shown.`,
                hint: `Add ${name} to facts: of step "${text.step}".`,
              }),
            );
          }
        }
      } else if (sourceText !== undefined) {
        // A plural form may leave out the number ("one request", Arabic's dual).
        const counted = (names: string[]) =>
          text.sourceKey ? names.filter((name) => name !== "count") : names;
        const expected = counted(placeholdersOf(sourceText));
        const actual = counted(placeholders);
        if (expected.join(",") !== actual.join(",")) {
          const missing = expected.filter((p) => !actual.includes(p));
          const extra = actual.filter((p) => !expected.includes(p));
          problems.push(
            at({
              severity,
              message: `the placeholders differ from the source: ${[...missing.map((p) => `{{${p}}} missing`), ...extra.map((p) => `{{${p}}} not in the source`)].join(", ")}.`,
              hint: "Placeholders are filled in by the bot: copy them exactly, {{name}} untranslated.",
            }),
          );
        }
        const sourceTags = tagsOf(sourceText).join(",");
        if (sourceTags !== tagsOf(value).join(",")) {
          problems.push(
            at({
              severity,
              message: `the HTML tags differ from the source (${sourceTags || "none"} there, ${tagsOf(value).join(",") || "none"} here).`,
              hint: "Use the same formatting tags as the source text.",
            }),
          );
        }
      }

      const html = checkTelegramHtml(value);
      if (html) {
        problems.push(
          at({
            severity: "error",
            message: `the text cannot be sent to Telegram: ${html.message}`,
            hint: html.hint,
          }),
        );
        continue;
      }
      // A message is measured as the parent gets it: facts filled in, the legal footer below.
      const filled =
        text.ns === COMMON_NS ? value : texts.text(lang, { ns: text.ns, key: text.key }, samples);
      const footer =
        text.isButton || !text.stepFacts?.length
          ? ""
          : texts.legalFooter(lang, text.stepFacts, "0000-00-00");
      const rendered = footer ? `${filled}\n\n${footer}` : filled;
      const length = visibleLength(rendered);
      if (text.isButton) {
        if (/<[a-z]/i.test(value)) {
          problems.push(
            at({
              severity: "error",
              message: "button labels cannot be formatted: remove the HTML tags.",
            }),
          );
        } else if (length > MAX_BUTTON_LENGTH) {
          problems.push(
            at({
              severity: "error",
              message: `the button label has ${length} characters; Telegram allows ${MAX_BUTTON_LENGTH}.`,
              hint: "Shorten it (under 35 characters reads well on a phone).",
            }),
          );
        }
      } else if (length > MAX_MESSAGE_LENGTH) {
        problems.push(
          at({
            severity: "error",
            message: `the message has ${length} characters with its facts filled in; Telegram allows ${MAX_MESSAGE_LENGTH}.`,
            hint: "Shorten it or split it into two steps.",
          }),
        );
      }
    }

    // Texts nobody uses.
    const wanted = new Set(languageTexts.map((t) => `${t.ns}/${t.key}`));
    for (const [key, file] of content.sources.locales) {
      const [fileLang, ns] = key.split("/") as [string, string];
      const flow = content.flows.flows.get(ns);
      if (
        fileLang !== lang ||
        (flow && content.sources.declaredSteps.get(ns)?.size !== flow.steps.size)
      )
        continue;
      for (const [textKey, value] of flat.get(key) ?? []) {
        if (wanted.has(`${ns}/${textKey}`)) continue;
        // Search keywords of a step: the language's own words, not a translation of the source's.
        const keywordsOf = /^([^.]+)\.keywords$/.exec(textKey)?.[1];
        if (flow && keywordsOf !== undefined && flow.steps.has(keywordsOf)) {
          if (/<[a-z/]/i.test(value) || value.length > 1000)
            problems.push({
              severity: "error",
              file: file.file,
              position: file.position(textKey.split("."), "key"),
              flow: ns,
              step: keywordsOf,
              message:
                "search keywords are plain words separated by commas (no HTML, at most 1000 characters).",
            });
          continue;
        }
        const candidates = required.filter((t) => t.ns === ns).map((t) => t.key);
        problems.push({
          severity: "warning",
          file: file.file,
          position: file.position(textKey.split("."), "key"),
          message: `the text "${textKey}" is not used by any step.${didYouMean(textKey, candidates)}`,
          hint: "Remove it, or fix its name to match a step (step.text, step.choices.<label>, step.options.<option>).",
        });
      }
    }
    coverage.push({
      lang,
      name: language.name,
      status: language.status,
      present,
      required: needed,
    });
  }
  return coverage;
}

/** The coverage table the checker prints, one row per language. */
export function formatCoverage(rows: readonly CoverageRow[]): string {
  const label = (row: CoverageRow) => `${row.name} (${row.lang})`;
  const width = Math.max(20, ...rows.map((row) => label(row).length + 2));
  const lines = [`${"language".padEnd(width)}status    texts        coverage`];
  for (const row of rows) {
    const percent = row.required === 0 ? 100 : (row.present / row.required) * 100;
    const shown = percent === 100 ? "100%" : `${percent.toFixed(1)}%`;
    lines.push(
      `${label(row).padEnd(width)}${row.status.padEnd(10)}${`${row.present}/${row.required}`.padEnd(13)}${shown}`,
    );
  }
  return lines.join("\n");
}
