import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/config.js";

describe("parseConfig", () => {
  it("gives working defaults for an empty environment (the local playground)", () => {
    expect(parseConfig({})).toEqual({
      botToken: undefined,
      caseReminderMinutes: 30,
      logUnanswered: false,
      caseTtlSeconds: 30 * 86_400,
      telegramApiRoot: "https://api.telegram.org",
      redisUrl: undefined,
      webhook: undefined,
      port: 8080,
      playgroundPort: 3000,
      playgroundInProduction: false,
      caseworkerChatId: undefined,
      defaultLanguage: "de",
      sessionTtlSeconds: 30 * 86_400,
      logLevel: "info",
      production: false,
      contentDir: ".",
      privacy: {
        controller: "(nicht konfiguriert / not configured)",
        dpo: "(nicht konfiguriert / not configured)",
        authority: "(nicht konfiguriert / not configured)",
      },
    });
  });

  it("reads every variable of the contract", () => {
    const config = parseConfig({
      BOT_TOKEN: "123456:ABC-def_ghi",
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
      REDIS_URL: "redis://127.0.0.1:6379/2",
      WEBHOOK_URL: "https://bot.example.org/telegram/update",
      WEBHOOK_SECRET: "s3cret-s3cret-s3cret",
      PORT: "8443",
      CASEWORKER_CHAT_ID: "-1001234567890",
      DEFAULT_LANGUAGE: "en",
      SESSION_TTL_DAYS: "7",
      LOG_LEVEL: "debug",
      NODE_ENV: "production",
    });
    expect(config).toMatchObject({
      botToken: "123456:ABC-def_ghi",
      telegramApiRoot: "http://127.0.0.1:8081",
      webhook: { url: "https://bot.example.org/telegram/update", secret: "s3cret-s3cret-s3cret" },
      port: 8443,
      caseworkerChatId: -1001234567890,
      defaultLanguage: "en",
      sessionTtlSeconds: 7 * 86_400,
      logLevel: "debug",
      production: true,
    });
  });

  it("treats empty variables as unset", () => {
    expect(parseConfig({ PORT: "", BOT_TOKEN: "" }).botToken).toBeUndefined();
  });

  it("lists every offending variable with what is expected, never repeating secrets", () => {
    let error: unknown;
    try {
      parseConfig({
        PORT: "abc",
        BOT_TOKEN: "not-a-token",
        LOG_LEVEL: "loud",
        SESSION_TTL_DAYS: "0",
        CASEWORKER_CHAT_ID: "12",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems).toContain('PORT: expected a whole number from 1 to 65535; got "abc".');
    expect(problems).toContain(
      "BOT_TOKEN: expected a bot token from @BotFather, like 123456:ABC-DEF…; the value given is not.",
    );
    expect(problems).toContain(
      'LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent; got "loud".',
    );
    expect((error as Error).message).not.toContain("not-a-token");
  });

  it("requires a secret, a token and Redis in webhook mode", () => {
    expect(() => parseConfig({ WEBHOOK_URL: "https://bot.example.org/hook" })).toThrow(
      /BOT_TOKEN: expected a bot token, because WEBHOOK_URL is set[\s\S]*WEBHOOK_SECRET[\s\S]*REDIS_URL/,
    );
  });
});
