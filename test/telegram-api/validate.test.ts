import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { extractSpec } from "../../src/telegram-api/extract.js";
import { BOT_API_SPEC, validateCall } from "../../src/telegram-api/validate.js";
import { REPO_ROOT } from "../factories.js";

const SHARED_SPEC = join(REPO_ROOT, "..", "shared", "telegram-bot-api", "api.json");

describe("Bot API call validation", () => {
  it.runIf(existsSync(SHARED_SPEC))("uses a compact spec that matches the official one", () => {
    expect(BOT_API_SPEC).toEqual(extractSpec(JSON.parse(readFileSync(SHARED_SPEC, "utf8"))));
  });

  it("accepts a correct sendMessage with an inline keyboard", () => {
    expect(
      validateCall("sendMessage", {
        chat_id: 42,
        text: "<b>Hallo</b>",
        parse_mode: "HTML",
        reply_markup: { inline_keyboard: [[{ text: "Kita", callback_data: "1:abc:0" }]] },
      }),
    ).toEqual([]);
  });

  it("reports unknown methods, missing and unknown parameters, wrong types and limits", () => {
    expect(validateCall("sendMesage", {})).toEqual(["sendMesage is not a Bot API method"]);
    expect(validateCall("sendMessage", { chat_id: 1, txt: "x" })).toEqual([
      "sendMessage: text is required",
      "sendMessage: txt is not a parameter of this method",
    ]);
    expect(validateCall("sendMessage", { chat_id: 1, text: "x".repeat(4097) })).toEqual([
      "sendMessage: text has 4097 characters, allowed 1-4096",
    ]);
    expect(
      validateCall("sendMessage", {
        chat_id: 1,
        text: "x",
        reply_markup: { inline_keyboard: [[{ text: "a", callback_data: "x".repeat(65) }]] },
      }),
    ).toEqual([
      "sendMessage: reply_markup.inline_keyboard[0][0].callback_data has 65 bytes, allowed 1-64",
    ]);
    expect(validateCall("answerCallbackQuery", { callback_query_id: 5 })).toEqual([
      "answerCallbackQuery: callback_query_id must be a String",
    ]);
  });

  it("checks Telegram HTML in texts sent with parse_mode HTML", () => {
    expect(
      validateCall("sendMessage", { chat_id: 1, text: "<b>offen", parse_mode: "HTML" }),
    ).toEqual(["sendMessage: text is not valid Telegram HTML: <b> is opened but never closed."]);
    // Tags do not count towards the length limit.
    expect(
      validateCall("sendMessage", {
        chat_id: 1,
        text: `<b>${"x".repeat(4096)}</b>`,
        parse_mode: "HTML",
      }),
    ).toEqual([]);
  });
});
