/** The context every feature sees: grammY's, plus the parent's session and a per-update logger. */
import type { Context } from "grammy";
import type { Answer } from "../search/search.js";
import type { Logger } from "pino";
import type { Session } from "./session.js";
import type { ContentBundle } from "./content-bundle.js";

export interface ParentState {
  session: Session;
  /** The language this update is answered in. */
  lang: string;
  /** Telegram's language is not supported and the parent has not chosen one: offer the picker. */
  readonly askLanguage: boolean;
  /** The content version this update is served from (stable for the whole update). */
  readonly bundle: ContentBundle;
  /** Set by /delete: the session is erased instead of saved. */
  erase: boolean;
  /** Opens the request form for a person (set when the handoff desk runs). */
  startHandoff?: (topic?: string, service?: string) => Promise<void>;
  /** The search's answer to this update's text, once looked up (so it is looked up once). */
  searched?: { readonly question: string; readonly answer: Answer };
  /** Keeps a question the search could not answer (only when the operator turned that on). */
  onUnanswered?: (question: string) => Promise<void>;
}

export interface BotFlavor {
  /** Set by the session gate for private chats. */
  parent?: ParentState;
  /** A logger bound to this update's id; never log message texts or names with it. */
  log: Logger;
}

export type BotContext = Context & BotFlavor;

/** The parent's state; only features behind the session gate call this. */
export function parentOf(ctx: BotContext): ParentState {
  if (!ctx.parent)
    throw new Error("parent state is missing: the feature runs outside the session gate");
  return ctx.parent;
}
