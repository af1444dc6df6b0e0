/** The parent's commands: /start [flow], /menu, /back, /language, /help, /privacy, /delete, /cancel. */
import { type Composer, InlineKeyboard } from "grammy";
import { DirectComposer } from "../composer.js";
import { PERSON_COMMANDS } from "../../i18n/common-keys.js";
import { encodeCallback } from "../callback-data.js";
import { parentOf, type BotContext } from "../context.js";
import {
  common,
  commonMessage,
  runEngine,
  sendCommon,
  sendLanguagePicker,
  welcome,
} from "../reply.js";

export interface PrivacyDetails {
  readonly controller: string;
  readonly dpo: string;
  readonly authority: string;
}

export function createCommands(
  privacy: PrivacyDetails,
  sessionTtlSeconds: number,
  devTools = false,
): Composer<BotContext> {
  const commands = new DirectComposer<BotContext>();

  commands.command("start", async (ctx) => {
    const parent = parentOf(ctx);
    if (parent.askLanguage) return sendLanguagePicker(ctx);
    // A deep link `t.me/<bot>?start=<flow>` opens that flow.
    const payload = ctx.match.trim().toLowerCase();
    const flow = payload && parent.bundle.content.flows.flows.has(payload) ? payload : undefined;
    await runEngine(ctx, flow ? { type: "start", flow } : { type: "start" }, welcome(ctx));
  });

  commands.command("menu", (ctx) => runEngine(ctx, { type: "start" }, welcome(ctx)));

  commands.command("back", (ctx) => runEngine(ctx, { type: "back" }, welcome(ctx)));

  commands.command("language", (ctx) => sendLanguagePicker(ctx));

  commands.command("help", (ctx) => sendCommon(ctx, "help"));

  commands.command("privacy", (ctx) =>
    sendCommon(ctx, "privacy.full", { ...privacy, days: Math.round(sessionTtlSeconds / 86_400) }),
  );

  // Without the handoff desk (it takes /person first): how to reach an office.
  commands.command([...PERSON_COMMANDS], (ctx) => sendCommon(ctx, "handoff.offline"));

  commands.command("delete", async (ctx) => {
    const keyboard = new InlineKeyboard()
      .text(common(ctx, "delete.yes"), encodeCallback({ type: "delete", confirm: true }))
      .text(common(ctx, "delete.no"), encodeCallback({ type: "delete", confirm: false }));
    await ctx.api.sendMessage(ctx.chat!.id, common(ctx, "delete.confirm"), {
      parse_mode: "HTML",
      reply_markup: keyboard,
    });
  });

  commands.command("cancel", (ctx) =>
    runEngine(ctx, { type: "start" }, [commonMessage(ctx, "cancel.done")]),
  );

  if (devTools) {
    // The playground's "jump to step": `/jump childcare.kita_age en` opens any step in any language.
    commands.command("jump", async (ctx) => {
      const parent = parentOf(ctx);
      const [step, lang] = ctx.match.trim().split(/\s+/);
      if (lang !== undefined && parent.bundle.languages.has(lang)) {
        parent.session.lang = lang;
        parent.lang = lang;
      }
      parent.session.w = 1;
      await runEngine(ctx, { type: "jump", step: step ?? "" });
    });
  }

  return commands;
}
