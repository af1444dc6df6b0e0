/**
 * The engine's vocabulary: what it is given (flows, state, input) and what it gives back (state,
 * outputs). Outputs are channel-neutral: texts are referenced by i18next namespace and key, and a
 * renderer (Telegram, playground, transcript tests) turns them into messages.
 */
import type { AskSpec, Flow } from "../flow-files/schema.js";

/** All flows, ready for the engine. `hash` changes whenever any flow changes. */
export interface FlowSet {
  readonly hash: string;
  /** The flow whose start step is the main menu. */
  readonly main: string;
  readonly flows: ReadonlyMap<string, Flow>;
}

/** A step's global name: `flow.step`. */
export type StepRef = string;

export type AnswerValue = string | number | boolean;

/** A text in the locale files: namespace (flow id or `common`) and key. */
export interface TextRef {
  readonly ns: string;
  readonly key: string;
}

export type Input =
  /** Open a flow at its start (the main menu when no flow is given). Keeps the answers. */
  | { type: "start"; flow?: string }
  /** A tap on button `index` of step `step` (choices, yes/no or one-of), also from old messages. */
  | { type: "choose"; step: StepRef; index: number }
  /** Typed text: the answer to an open question, otherwise a free-text question. */
  | { type: "text"; value: string }
  /** Back to the previous question or menu. */
  | { type: "back" }
  /** Forget answers and history, show the main menu. */
  | { type: "restart" }
  /** Show the current step again (after a language switch, or when the parent asks for it). */
  | { type: "show" }
  /** Open a step directly (deep links, the playground's "jump to step"). */
  | { type: "jump"; step: StepRef };

export type InvalidReason =
  | { kind: "integer"; min: number; max: number }
  | { kind: "yesno" }
  | { kind: "oneof" }
  | { kind: "text_empty" }
  | { kind: "text_too_long"; max: number }
  | { kind: "postcode" };

export type Notice =
  /** The flows changed under a live session; the parent was put back at a sensible point. */
  | "content_changed"
  /** A button whose step or choice no longer exists. */
  | "button_outdated"
  /** A misconfigured flow went round in circles; the parent is shown the main menu. */
  | "flow_error";

export interface Button {
  readonly index: number;
  readonly label: TextRef;
}

interface StepOutput {
  readonly step: StepRef;
  readonly text: TextRef;
  /** Facts whose legal basis and date the answer shows. */
  readonly facts: readonly string[];
  /** Saved answers, for interpolation. */
  readonly vars: Readonly<Record<string, AnswerValue>>;
}

export type Output =
  | ({ type: "say" } & StepOutput)
  | ({
      type: "choices";
      buttons: readonly Button[];
      /** Whether `back` leads anywhere. */
      canGoBack: boolean;
      /** Whether this is the main menu itself. */
      isMain: boolean;
      /** Whether one of the choices leads to a person (a handoff step). */
      offersPerson: boolean;
    } & StepOutput)
  | ({
      type: "ask";
      answer: AskSpec;
      buttons: readonly Button[];
      canGoBack: boolean;
    } & StepOutput)
  | { type: "invalid"; step: StepRef; reason: InvalidReason }
  /** The parent wants a person. `text` is shown first when the locale has it. */
  | ({ type: "handoff"; topic: string; office?: string } & StepOutput)
  /** The conversation ends here. `text` is shown when the locale has it. */
  | ({ type: "end" } & StepOutput)
  /** Free text that answers no open question: for the search. */
  | { type: "search"; query: string }
  | { type: "notice"; notice: Notice };

export interface AdvanceResult<S> {
  readonly state: S;
  readonly outputs: readonly Output[];
}
