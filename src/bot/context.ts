/** The context every feature sees: grammY's, plus the parent's session and a per-update logger. */
import { Context } from "grammy";
import type { Update } from "grammy/types";
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

/** The kind of an update (`message`, `callback_query`, …) for logs and metrics. */
/** The Bot API's update kinds: a metrics label never takes a value outside this list. */
const UPDATE_KINDS = new Set([
  "message",
  "edited_message",
  "channel_post",
  "edited_channel_post",
  "business_connection",
  "business_message",
  "edited_business_message",
  "deleted_business_messages",
  "guest_message",
  "message_reaction",
  "message_reaction_count",
  "inline_query",
  "chosen_inline_result",
  "callback_query",
  "shipping_query",
  "pre_checkout_query",
  "purchased_paid_media",
  "poll",
  "poll_answer",
  "my_chat_member",
  "chat_member",
  "chat_join_request",
  "chat_boost",
  "removed_chat_boost",
  "managed_bot",
]);

export function updateKind(update: Update): string {
  for (const key in update) if (key !== "update_id") return UPDATE_KINDS.has(key) ? key : "other";
  return "unknown";
}

/**
 * grammY's context with `log`: a child logger bound to the update's id and kind, made on first
 * use, as most updates log nothing. The getter lives on the class, not on each context: an
 * accessor defined per object would give every context its own hidden class, which V8 keeps in
 * the old generation, and with it the context and all it references until a full collection.
 */
export function contextClass(
  logger: Logger,
): new (...args: ConstructorParameters<typeof Context>) => BotContext {
  return class UpdateContext extends Context implements BotFlavor {
    parent?: ParentState;
    #log: Logger | undefined;
    get log(): Logger {
      return (this.#log ??= logger.child({
        update_id: this.update.update_id,
        kind: updateKind(this.update),
      }));
    }
  };
}

/** The parent's state; only features behind the session gate call this. */
export function parentOf(ctx: BotContext): ParentState {
  if (!ctx.parent)
    throw new Error("parent state is missing: the feature runs outside the session gate");
  return ctx.parent;
}
