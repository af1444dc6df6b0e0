/**
 * The schema of the editor-owned content: flow files (`flows/<topic>.yaml`), the facts sheet
 * (`flows/facts.yaml`) and the language list (`locales/languages.yaml`).
 *
 * These zod schemas are the single source of truth: the checker validates with them and the
 * engine's types are inferred from them. The checker turns their issues into editor-friendly
 * messages, so keep every object `strict` (unknown keys are reported with a "did you mean").
 */
import { z } from "zod";

/** Ids of flows, steps, choices, options, saved answers and facts: lower case, digits, `_`. */
export const ID_PATTERN = /^[a-z][a-z0-9_]*$/;
export const idSchema = z.string().regex(ID_PATTERN);

/**
 * Where to go next: `step` (a step of the same flow) or `flow.step` (a step of another flow).
 */
export const TARGET_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)?$/;
export const targetSchema = z.string().regex(TARGET_PATTERN);

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A declarative condition on saved answers. Never code. */
export type Condition =
  | {
      var: string;
      eq?: string | number | boolean | undefined;
      ne?: string | number | boolean | undefined;
      lt?: number | undefined;
      lte?: number | undefined;
      gt?: number | undefined;
      gte?: number | undefined;
      in?: Array<string | number | boolean> | undefined;
      answered?: boolean | undefined;
    }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const COMPARISONS = ["eq", "ne", "lt", "lte", "gt", "gte", "in", "answered"] as const;

export const comparisonSchema = z.strictObject({
  var: idSchema,
  eq: scalar.optional(),
  ne: scalar.optional(),
  lt: z.number().optional(),
  lte: z.number().optional(),
  gt: z.number().optional(),
  gte: z.number().optional(),
  in: z.array(scalar).min(1).optional(),
  answered: z.boolean().optional(),
});

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    comparisonSchema,
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

export const askSchemas = {
  integer: z.strictObject({
    type: z.literal("integer"),
    min: z.number().int(),
    max: z.number().int(),
    save: idSchema,
  }),
  yesno: z.strictObject({ type: z.literal("yesno"), save: idSchema }),
  oneof: z.strictObject({
    type: z.literal("oneof"),
    options: z.array(idSchema).min(2).max(12),
    save: idSchema,
  }),
  text: z.strictObject({
    type: z.literal("text"),
    max_length: z.number().int().min(1).max(1000),
    save: idSchema,
  }),
  postcode: z.strictObject({ type: z.literal("postcode"), save: idSchema }),
} as const;

export type AnswerType = keyof typeof askSchemas;
export const ANSWER_TYPES = Object.keys(askSchemas) as AnswerType[];

export const askSchema = z.discriminatedUnion("type", [
  askSchemas.integer,
  askSchemas.yesno,
  askSchemas.oneof,
  askSchemas.text,
  askSchemas.postcode,
]);
export type AskSpec = z.infer<typeof askSchema>;

const factsField = z.array(idSchema).min(1).optional();

export const choiceSchema = z.strictObject({ label: idSchema, next: targetSchema });
export type Choice = z.infer<typeof choiceSchema>;

export const branchRuleSchema = z.union([
  z.strictObject({ if: conditionSchema, goto: targetSchema }),
  z.strictObject({ else: targetSchema }),
]);
export type BranchRule = z.infer<typeof branchRuleSchema>;

/**
 * The step kinds. A step's kind is given by the one kind key it has; a step with none of them is a
 * `say` step (its text, then straight on to `next`).
 */
export const stepSchemas = {
  say: z.strictObject({ facts: factsField, next: targetSchema }),
  choices: z.strictObject({ facts: factsField, choices: z.array(choiceSchema).min(1).max(12) }),
  ask: z.strictObject({ facts: factsField, ask: askSchema, next: targetSchema }),
  branch: z.strictObject({ branch: z.array(branchRuleSchema).min(1) }),
  goto: z.strictObject({ goto: targetSchema }),
  handoff: z.strictObject({
    facts: factsField,
    handoff: z.strictObject({ topic: idSchema, office: idSchema.optional() }),
  }),
  end: z.strictObject({ facts: factsField, end: z.literal(true) }),
} as const;

export type StepKind = keyof typeof stepSchemas;
export const STEP_KINDS = Object.keys(stepSchemas) as StepKind[];
/** The keys that decide a step's kind (every kind but `say`, which has none). */
export const KIND_KEYS = ["choices", "ask", "branch", "goto", "handoff", "end"] as const;

export type SayStep = z.infer<typeof stepSchemas.say> & { kind: "say" };
export type ChoicesStep = z.infer<typeof stepSchemas.choices> & { kind: "choices" };
export type AskStep = z.infer<typeof stepSchemas.ask> & { kind: "ask" };
export type BranchStep = z.infer<typeof stepSchemas.branch> & { kind: "branch" };
export type GotoStep = z.infer<typeof stepSchemas.goto> & { kind: "goto" };
export type HandoffStep = z.infer<typeof stepSchemas.handoff> & { kind: "handoff" };
export type EndStep = z.infer<typeof stepSchemas.end> & { kind: "end" };
export type Step = SayStep | ChoicesStep | AskStep | BranchStep | GotoStep | HandoffStep | EndStep;

/** Which kind a raw step object is, from its kind keys; the keys found when it has several. */
export function kindOfStep(raw: Record<string, unknown>): StepKind | { ambiguous: string[] } {
  const present = KIND_KEYS.filter((key) => key in raw);
  if (present.length > 1) return { ambiguous: [...present] };
  return present[0] ?? "say";
}

/**
 * Does this kind show a text (`<step>.text` in the flow's locale file)? `optional`: only when the
 * source language has one for the step.
 */
export function stepText(step: Step): "required" | "optional" | "none" {
  switch (step.kind) {
    case "say":
    case "choices":
    case "ask":
      return "required";
    case "handoff":
    case "end":
      return "optional";
    case "branch":
    case "goto":
      return "none";
    default: {
      const _exhaustive: never = step;
      return _exhaustive;
    }
  }
}

/** Does the engine stop at this step and wait for the parent? */
export function isWaitingStep(step: Step): step is ChoicesStep | AskStep {
  return step.kind === "choices" || step.kind === "ask";
}

export const flowHeaderSchema = z.strictObject({
  id: idSchema,
  start: idSchema,
  steps: z.record(z.string(), z.unknown()),
});

export interface Flow {
  id: string;
  start: string;
  steps: ReadonlyMap<string, Step>;
}

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a date like 2026-01-31");

/** Units a fact's value can have. `eur` and `percent` render with their sign, the rest bare. */
export const FACT_UNITS = [
  "eur",
  "percent",
  "years",
  "months",
  "weeks",
  "days",
  "hours",
  "count",
] as const;

export const factSchema = z.strictObject({
  value: z.number().optional(),
  unit: z.enum(FACT_UNITS).optional(),
  legal_basis: z.string().min(3),
  valid_from: isoDate,
  /** `null`: the rule has no known end (it holds until the law changes). */
  valid_until: isoDate.nullable(),
  source: z.url({ protocol: /^https$/ }),
  checked: isoDate,
  /** `statute`: checked word for word in the law; `secondary`: consistent secondary sources. */
  confidence: z.enum(["statute", "secondary"]),
  note: z.string().optional(),
});
export type Fact = z.infer<typeof factSchema>;

export const languageSchema = z.strictObject({
  /** The language's name in itself, as the language picker shows it. */
  name: z.string().min(1),
  /** `source`: the language texts are written in; `shipped`: must be complete; `beta`: may lack keys. */
  status: z.enum(["source", "shipped", "beta"]),
  dir: z.enum(["ltr", "rtl"]).default("ltr"),
  /** The locale `Intl` formats numbers, amounts and dates with. */
  intl: z.string().min(2),
});
export type Language = z.infer<typeof languageSchema>;
export const languagesFileSchema = z.record(
  z.string().regex(/^[a-z]{2,3}(-[a-z]+)?$/),
  languageSchema,
);
