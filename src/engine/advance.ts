/**
 * The flow interpreter: `advance(flows, state, input) → { state, outputs }`.
 *
 * Pure and synchronous. Its cost per input depends only on the flows' shape (a bounded number of
 * hops through say/branch/goto steps) and never on how many inputs came before: there is no replay.
 */
import { isWaitingStep, type Step } from "../flow-files/schema.js";
import { answerButtons, buttonAnswer, checkTextAnswer } from "./answers.js";
import { evaluateCondition } from "./conditions.js";
import { MAX_HISTORY, type EngineState } from "./state.js";
import type { AdvanceResult, AnswerValue, FlowSet, Input, Output, StepRef } from "./types.js";

/** A flow that passes say/branch/goto steps more often than this without waiting is broken. */
const MAX_HOPS = 32;

interface Located {
  readonly ref: StepRef;
  readonly flow: string;
  readonly id: string;
  readonly step: Step;
}

/** Splits `flow.step` and finds the step; `undefined` when either does not exist. */
export function findStep(flows: FlowSet, ref: StepRef): Located | undefined {
  const dot = ref.indexOf(".");
  if (dot < 0) return undefined;
  const flow = ref.slice(0, dot);
  const id = ref.slice(dot + 1);
  const step = flows.flows.get(flow)?.steps.get(id);
  return step ? { ref, flow, id, step } : undefined;
}

/** The global ref of a `next`/`goto` target written in flow `fromFlow`. */
export function resolveTarget(fromFlow: string, target: string): StepRef {
  return target.includes(".") ? target : `${fromFlow}.${target}`;
}

/** The ref of a flow's start step (the main menu when `flow` is not given or unknown). */
export function startRef(flows: FlowSet, flow?: string): StepRef {
  const chosen = (flow !== undefined && flows.flows.get(flow)) || flows.flows.get(flows.main);
  if (!chosen) throw new Error(`The main flow "${flows.main}" is missing.`);
  return `${chosen.id}.${chosen.start}`;
}

/** Moves a parent through the flows by one input. Never throws for any input or stored state. */
export function advance(
  flows: FlowSet,
  state: EngineState,
  input: Input,
): AdvanceResult<EngineState> {
  return new Run(flows, state).handle(input);
}

class Run {
  private readonly outputs: Output[] = [];
  private readonly answers: Record<string, AnswerValue>;
  private readonly hist: StepRef[];
  private at: StepRef | null;
  private readonly mainRef: StepRef;

  constructor(
    private readonly flows: FlowSet,
    state: EngineState,
  ) {
    this.answers = { ...state.a };
    this.hist = [...state.hist];
    this.at = state.at;
    this.mainRef = startRef(flows);
    if (state.h !== flows.hash) this.relocate();
  }

  private relocated = false;

  handle(input: Input): AdvanceResult<EngineState> {
    switch (input.type) {
      case "start":
        this.navigate(startRef(this.flows, input.flow));
        break;
      case "restart":
        for (const key of Object.keys(this.answers)) delete this.answers[key];
        this.hist.length = 0;
        this.at = null;
        this.enter(this.mainRef);
        break;
      case "jump":
        if (findStep(this.flows, input.step)) this.navigate(input.step);
        else this.outdated();
        break;
      case "show":
        this.noteRelocation();
        this.showCurrent();
        break;
      case "back":
        this.noteRelocation();
        this.back();
        break;
      case "choose":
        this.choose(input.step, input.index);
        break;
      case "text":
        this.text(input.value);
        break;
      default: {
        const _exhaustive: never = input;
        return _exhaustive;
      }
    }
    return {
      state: { v: 1, h: this.flows.hash, at: this.at, a: this.answers, hist: this.hist },
      outputs: this.outputs,
    };
  }

  /** The flows changed: drop history entries that are gone; move off a step that is gone. */
  private relocate(): void {
    const kept = this.hist.filter((ref) => this.isWaiting(ref));
    this.hist.splice(0, this.hist.length, ...kept);
    if (this.at !== null && !this.isWaiting(this.at)) {
      this.at = this.hist.pop() ?? null;
      this.relocated = true;
    }
  }

  private noteRelocation(): void {
    if (this.relocated) this.outputs.push({ type: "notice", notice: "content_changed" });
    this.relocated = false;
  }

  private isWaiting(ref: StepRef): boolean {
    const found = findStep(this.flows, ref);
    return found !== undefined && isWaitingStep(found.step);
  }

  private showCurrent(): void {
    const found = this.at === null ? undefined : findStep(this.flows, this.at);
    if (found && isWaitingStep(found.step)) this.emitWaiting(found);
    else this.enter(this.mainRef);
  }

  private back(): void {
    const previous = this.hist.pop();
    const found = previous === undefined ? undefined : findStep(this.flows, previous);
    if (found && isWaitingStep(found.step)) {
      this.emitWaiting(found);
    } else {
      this.hist.length = 0;
      this.enter(this.mainRef);
    }
  }

  private choose(ref: StepRef, index: number): void {
    const found = findStep(this.flows, ref);
    if (!found) return this.outdated();
    const { step, flow } = found;
    if (step.kind === "choices") {
      const choice = step.choices[index];
      if (!choice) return this.outdated();
      return this.navigate(resolveTarget(flow, choice.next));
    }
    if (step.kind === "ask") {
      const value = buttonAnswer(step.ask, index);
      if (value === undefined) return this.outdated();
      this.answers[step.ask.save] = value;
      // Answering a question of an old message counts as being there.
      this.at = ref;
      return this.navigate(resolveTarget(flow, step.next));
    }
    return this.outdated();
  }

  private text(value: string): void {
    if (this.relocated) {
      // The question this text answered is gone: say so and show where the parent is now.
      this.noteRelocation();
      return this.showCurrent();
    }
    const found = this.at === null ? undefined : findStep(this.flows, this.at);
    if (!found || found.step.kind !== "ask") {
      this.outputs.push({ type: "search", query: value });
      return;
    }
    const checked = checkTextAnswer(found.step.ask, value);
    if (!checked.ok) {
      this.outputs.push({ type: "invalid", step: found.ref, reason: checked.reason });
      return;
    }
    this.answers[found.step.ask.save] = checked.value;
    this.navigate(resolveTarget(found.flow, found.step.next));
  }

  private outdated(): void {
    this.relocated = false;
    this.outputs.push({ type: "notice", notice: "button_outdated" });
    this.navigate(this.mainRef);
  }

  /**
   * Goes from the current step to `target`, keeping `back` meaningful: the step left is
   * remembered, and arriving at a step already in the history returns to that point of it.
   */
  private navigate(target: StepRef): void {
    this.relocated = false;
    const from = this.at;
    this.enter(target);
    if (from !== null && this.at !== from) {
      this.hist.push(from);
      if (this.hist.length > MAX_HISTORY) this.hist.shift();
    }
    if (this.at !== null) {
      const seen = this.hist.lastIndexOf(this.at);
      if (seen >= 0) this.hist.length = seen;
    }
  }

  /** Runs from `target` through say/branch/goto steps until a step waits, hands off or ends. */
  private enter(target: StepRef): void {
    let ref = target;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const found = findStep(this.flows, ref);
      if (!found) return this.flowError();
      const { step, flow } = found;
      switch (step.kind) {
        case "say":
          this.outputs.push({ type: "say", ...this.stepOutput(found), facts: step.facts ?? [] });
          ref = resolveTarget(flow, step.next);
          break;
        case "choices":
        case "ask":
          return this.emitWaiting(found);
        case "branch": {
          const rule = step.branch.find(
            (r) => !("if" in r) || evaluateCondition(r.if, this.answers),
          );
          if (!rule) return this.flowError();
          ref = resolveTarget(flow, "else" in rule ? rule.else : rule.goto);
          break;
        }
        case "goto":
          ref = resolveTarget(flow, step.goto);
          break;
        case "handoff":
          this.outputs.push({
            type: "handoff",
            ...this.stepOutput(found),
            facts: step.facts ?? [],
            topic: step.handoff.topic,
            ...(step.handoff.office !== undefined && { office: step.handoff.office }),
          });
          return;
        case "end":
          this.outputs.push({ type: "end", ...this.stepOutput(found), facts: step.facts ?? [] });
          this.at = null;
          return;
        default: {
          const _exhaustive: never = step;
          return _exhaustive;
        }
      }
    }
    this.flowError();
  }

  /** A broken flow (the checker prevents these): tell the parent and show the main menu. */
  private flowError(): void {
    this.outputs.push({ type: "notice", notice: "flow_error" });
    const main = findStep(this.flows, this.mainRef);
    if (main && isWaitingStep(main.step)) this.emitWaiting(main);
    else this.at = null;
  }

  private emitWaiting(found: Located): void {
    const { step, ref, flow, id } = found;
    this.at = ref;
    const canGoBack = this.hist.length > 0 || ref !== this.mainRef;
    if (step.kind === "choices") {
      this.outputs.push({
        type: "choices",
        ...this.stepOutput(found),
        facts: step.facts ?? [],
        buttons: step.choices.map((choice, index) => ({
          index,
          label: { ns: flow, key: `${id}.choices.${choice.label}` },
        })),
        canGoBack,
        isMain: ref === this.mainRef,
        offersPerson: step.choices.some(
          (choice) =>
            findStep(this.flows, resolveTarget(flow, choice.next))?.step.kind === "handoff",
        ),
      });
    } else if (step.kind === "ask") {
      this.outputs.push({
        type: "ask",
        ...this.stepOutput(found),
        facts: step.facts ?? [],
        answer: step.ask,
        buttons: answerButtons(step.ask, flow, id),
        canGoBack,
      });
    }
  }

  private stepOutput({ ref, flow, id }: Located) {
    return { step: ref, text: { ns: flow, key: `${id}.text` }, vars: { ...this.answers } };
  }
}
