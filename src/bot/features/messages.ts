/**
 * What parents type or send: text answers a question or goes to the search; a label typed instead
 * of tapped counts as the tap; media and edits get a friendly hint.
 */
import { type Composer } from "grammy";
import { DirectComposer } from "../composer.js";
import { advance, findStep } from "../../engine/advance.js";
import type { Input } from "../../engine/types.js";
import { composeMessages, joinTextOnly } from "../../render/compose.js";
import { parentOf, type BotContext, type ParentState } from "../context.js";
import {
  askForPerson,
  commonMessage,
  runEngine,
  showEmergency,
  sendCommon,
  sendLanguagePicker,
  sendMessages,
  welcome,
} from "../reply.js";

const normalize = (text: string) =>
  text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/** A typed text equal to a button label of the current step counts as tapping that button. */
function typedButton(parent: ParentState, text: string): Input | undefined {
  const at = parent.session.e.at;
  if (at === null || text.length > 80) return undefined;
  const found = findStep(parent.bundle.content.flows, at);
  // Only menus and yes/no or one-of questions have buttons a typed label could mean.
  const { step } = found ?? {};
  const hasChoiceButtons =
    step?.kind === "choices" ||
    (step?.kind === "ask" && (step.ask.type === "yesno" || step.ask.type === "oneof"));
  if (!hasChoiceButtons) return undefined;
  const typed = normalize(text);
  if (typed === "") return undefined;
  const { outputs } = advance(parent.bundle.content.flows, parent.session.e, { type: "show" });
  const shown = composeMessages(parent.bundle.texts, parent.lang, outputs).at(-1);
  for (const button of shown?.buttons.flat() ?? []) {
    if (button.action.type === "choose" && normalize(button.label) === typed) return button.action;
  }
  return undefined;
}

export function createMessages(): Composer<BotContext> {
  const messages = new DirectComposer<BotContext>();

  messages.on("message:text", async (ctx) => {
    const parent = parentOf(ctx);
    if (parent.askLanguage && parent.session.w === undefined) return sendLanguagePicker(ctx);
    const greeting = welcome(ctx);
    const text = ctx.message.text;
    if (text.startsWith("/")) {
      // An unknown command: the menu helps more than a search for "/foo".
      return runEngine(ctx, { type: "start" }, greeting);
    }
    // Emergencies and requests for a person come first, even in the middle of a question.
    const urgent = parent.bundle.search.urgent(parent.lang, text);
    if (urgent === "emergency") return showEmergency(ctx, greeting);
    if (urgent === "person") return askForPerson(ctx, greeting);
    const tapped = typedButton(parent, text);
    if (tapped) return runEngine(ctx, tapped, greeting);
    const atQuestion =
      parent.session.e.at !== null &&
      findStep(parent.bundle.content.flows, parent.session.e.at)?.step.kind === "ask";
    // A first message: the welcome, then the answer to it if there is one ("Hallo" gets the menu).
    if (greeting.length > 0 && !atQuestion) {
      parent.searched = { question: text, answer: parent.bundle.search.answer(parent.lang, text) };
      if (parent.searched.answer.kind === "none")
        return runEngine(ctx, { type: "start" }, greeting);
    }
    return runEngine(ctx, { type: "text", value: text }, greeting);
  });

  messages.on("edited_message", (ctx) => sendCommon(ctx, "input.edited"));

  messages.on("message", (ctx) =>
    sendMessages(ctx, joinTextOnly([...welcome(ctx), commonMessage(ctx, "input.unsupported")])),
  );

  return messages;
}
