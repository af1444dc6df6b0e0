/**
 * Button taps. Every callback query is answered (no endless spinner); forged, foreign and outdated
 * data get a friendly note and the menu.
 */
import { type Composer } from "grammy";
import { DirectComposer } from "../composer.js";
import { decodeCallback } from "../callback-data.js";
import { parentOf, type BotContext } from "../context.js";
import { commonMessage, runEngine, sendCommon, sendLanguagePicker, welcome } from "../reply.js";

export function createCallbacks(
  onErase?: (ctx: BotContext) => Promise<void>,
): Composer<BotContext> {
  const callbacks = new DirectComposer<BotContext>();

  callbacks.on("callback_query", async (ctx) => {
    const parent = parentOf(ctx);
    await ctx.answerCallbackQuery();
    const action = decodeCallback(ctx.callbackQuery.data, parent.bundle.steps);
    if (action === undefined || action === "outdated") {
      ctx.log.info({ reason: action ?? "unreadable" }, "outdated or unknown button");
      // A choice on a step that does not exist: the engine's "outdated button" answer.
      return runEngine(ctx, { type: "choose", step: "", index: 0 });
    }
    switch (action.type) {
      case "choose":
        return runEngine(ctx, action, welcome(ctx));
      case "back":
        return runEngine(ctx, { type: "back" });
      case "menu":
        return runEngine(ctx, { type: "start" });
      case "person":
        // Only without the handoff desk (it takes this button first): say how to reach an office.
        return sendCommon(ctx, "handoff.offline");
      case "languages":
        return sendLanguagePicker(ctx);
      case "jump":
        return runEngine(ctx, { type: "jump", step: action.step });
      case "language": {
        if (!parent.bundle.languages.has(action.lang)) return runEngine(ctx, { type: "show" });
        parent.session.lang = action.lang;
        parent.lang = action.lang;
        parent.bundle.search.prepare(action.lang);
        // Re-show where the parent is, in the new language: answers and place are kept.
        return runEngine(ctx, { type: "show" }, [
          commonMessage(ctx, "language.changed"),
          ...welcome(ctx),
        ]);
      }
      case "delete":
        if (action.confirm) {
          await onErase?.(ctx);
          parent.erase = true;
          ctx.log.info("chat data erased on request");
          return sendCommon(ctx, "delete.done");
        }
        return sendCommon(ctx, "delete.kept");
      default: {
        const _exhaustive: never = action;
        return _exhaustive;
      }
    }
  });

  return callbacks;
}
