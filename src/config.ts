/**
 * Configuration from environment variables, parsed once at start-up. `parseConfig` is pure: it
 * takes the environment as an argument and never reads `process.env` itself.
 */
import { z } from "zod";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** An unset variable and an empty one (`PORT=` in a .env file) mean the same. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const port = z.coerce
  .number({ error: "a whole number from 1 to 65535" })
  .int("a whole number from 1 to 65535")
  .min(1, "a whole number from 1 to 65535")
  .max(65535, "a whole number from 1 to 65535");

const envSchema = z.object({
  BOT_TOKEN: optional(
    z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{1,}$/, "a bot token from @BotFather, like 123456:ABC-DEF…"),
  ),
  TELEGRAM_API_ROOT: optional(
    z.url({ protocol: /^https?$/, error: "an http(s) address, like http://127.0.0.1:8081" }),
  ),
  REDIS_URL: optional(
    z.string().regex(/^rediss?:\/\/\S+$/, "a Redis address, like redis://127.0.0.1:6379"),
  ),
  WEBHOOK_URL: optional(
    z.url({ protocol: /^https?$/, error: "the public https address Telegram posts updates to" }),
  ),
  WEBHOOK_SECRET: optional(
    z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "16 to 256 characters of A-Z, a-z, 0-9, _ and -"),
  ),
  PORT: optional(port),
  PLAYGROUND_PORT: optional(port),
  CASEWORKER_CHAT_ID: optional(
    z.string().regex(/^-100\d{5,}$/, "the id of a Telegram supergroup, like -1001234567890"),
  ),
  DEFAULT_LANGUAGE: optional(
    z.string().regex(/^[a-z]{2,3}(-[a-z]+)?$/, "a language code such as de or en"),
  ),
  SESSION_TTL_DAYS: optional(
    z.coerce.number({ error: "a whole number of days from 1 to 365" }).int().min(1).max(365),
  ),
  CASE_TTL_DAYS: optional(
    z.coerce.number({ error: "a whole number of days from 1 to 365" }).int().min(1).max(365),
  ),
  CASE_REMINDER_MINUTES: optional(
    z.coerce.number({ error: "a whole number of minutes from 1 to 1440" }).int().min(1).max(1440),
  ),
  SEARCH_LOG_UNANSWERED: optional(z.enum(["true", "false"], { error: "true or false" })),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `one of ${LOG_LEVELS.join(", ")}` })),
  NODE_ENV: optional(z.string()),
  PRIVACY_CONTROLLER: optional(z.string().max(500)),
  PRIVACY_DPO: optional(z.string().max(500)),
  PRIVACY_AUTHORITY: optional(z.string().max(500)),
  CONTENT_DIR: optional(z.string().min(1)),
  PLAYGROUND_IN_PRODUCTION: optional(
    z.enum(["0", "1"], { error: "1 to allow the playground with NODE_ENV=production" }),
  ),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly botToken: string | undefined;
  readonly telegramApiRoot: string;
  readonly redisUrl: string | undefined;
  readonly webhook: { readonly url: string; readonly secret: string } | undefined;
  /** HTTP port: the webhook (in webhook mode), /healthz and /metrics. */
  readonly port: number;
  readonly playgroundPort: number;
  /** Start the playground even with NODE_ENV=production. */
  readonly playgroundInProduction: boolean;
  readonly caseworkerChatId: number | undefined;
  readonly defaultLanguage: string;
  readonly sessionTtlSeconds: number;
  /** How long a handoff case is kept after it is closed. */
  readonly caseTtlSeconds: number;
  /** Unclaimed this long, a case is reminded in its office group. */
  readonly caseReminderMinutes: number;
  /** Keep questions the search could not answer (scrubbed, 30 days) for editors. */
  readonly logUnanswered: boolean;
  readonly logLevel: LogLevel;
  readonly production: boolean;
  /** The directory holding `flows/` and `locales/`. */
  readonly contentDir: string;
  /** Who is responsible for the data, for the privacy notice (/privacy). */
  readonly privacy: {
    readonly controller: string;
    readonly dpo: string;
    readonly authority: string;
  };
}

const NOT_CONFIGURED = "(nicht konfiguriert / not configured)";

/** Bad configuration: its message lists every offending variable with what is expected. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(
      `The configuration is not valid:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee .env.example for every variable.`,
    );
  }
}

/** Variables whose values are never repeated in messages. */
const SECRETS = new Set(["BOT_TOKEN", "WEBHOOK_SECRET", "REDIS_URL"]);

function shown(name: string, value: unknown): string {
  if (value === undefined) return "it is not set";
  return SECRETS.has(name) ? "the value given is not" : `got "${String(value)}"`;
}

/** Parses the environment; throws a `ConfigError` naming every variable that is wrong. */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      problems.push(
        `${name}: expected ${issue.message.replace(/^Invalid input: /, "")}; ${shown(name, env[name])}.`,
      );
    }
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  if (e.WEBHOOK_URL !== undefined) {
    if (e.BOT_TOKEN === undefined)
      problems.push("BOT_TOKEN: expected a bot token, because WEBHOOK_URL is set; it is not set.");
    if (e.WEBHOOK_SECRET === undefined) {
      problems.push(
        "WEBHOOK_SECRET: expected 16 to 256 characters of A-Z, a-z, 0-9, _ and -, because WEBHOOK_URL is set; it is not set.",
      );
    }
    if (e.REDIS_URL === undefined) {
      problems.push(
        "REDIS_URL: expected a Redis address, because webhook mode runs with any number of replicas; it is not set.",
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    botToken: e.BOT_TOKEN,
    telegramApiRoot: (e.TELEGRAM_API_ROOT ?? "https://api.telegram.org").replace(/\/+$/, ""),
    redisUrl: e.REDIS_URL,
    webhook:
      e.WEBHOOK_URL !== undefined && e.WEBHOOK_SECRET !== undefined
        ? { url: e.WEBHOOK_URL, secret: e.WEBHOOK_SECRET }
        : undefined,
    port: e.PORT ?? 8080,
    playgroundPort: e.PLAYGROUND_PORT ?? 3000,
    playgroundInProduction: e.PLAYGROUND_IN_PRODUCTION === "1",
    caseworkerChatId: e.CASEWORKER_CHAT_ID === undefined ? undefined : Number(e.CASEWORKER_CHAT_ID),
    defaultLanguage: e.DEFAULT_LANGUAGE ?? "de",
    sessionTtlSeconds: (e.SESSION_TTL_DAYS ?? 30) * 86_400,
    caseTtlSeconds: (e.CASE_TTL_DAYS ?? 30) * 86_400,
    caseReminderMinutes: e.CASE_REMINDER_MINUTES ?? 30,
    logUnanswered: e.SEARCH_LOG_UNANSWERED === "true",
    logLevel: e.LOG_LEVEL ?? "info",
    production: e.NODE_ENV === "production",
    contentDir: e.CONTENT_DIR ?? ".",
    privacy: {
      controller: e.PRIVACY_CONTROLLER ?? NOT_CONFIGURED,
      dpo: e.PRIVACY_DPO ?? NOT_CONFIGURED,
      authority: e.PRIVACY_AUTHORITY ?? NOT_CONFIGURED,
    },
  };
}
