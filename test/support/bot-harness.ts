/**
 * The real bot against the Bot API emulator, as an operator runs it: parsed config, real Redis (or
 * memory), webhook or polling. Parents are driven through the emulator, like Telegram would.
 */
import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, expect, inject } from "vitest";
import { startBotApp, type RunningApp } from "../../src/app.js";
import { parseConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import {
  BotApiEmulator,
  type StoredMessage,
  type TgUser,
} from "../../src/telegram-api/emulator.js";
import { freePort } from "./redis-server.js";

export const WEBHOOK_SECRET = "test-secret-0123456789";

export interface HarnessOptions {
  readonly emulator?: BotApiEmulator;
  readonly redisUrl?: string;
  readonly mode?: "webhook" | "polling";
  readonly env?: Record<string, string>;
  /** Start options for the handoff desk: its clock and the office groups' message budget. */
  readonly now?: () => number;
  readonly groupBudget?: { max: number; windowMs: number };
}

export interface Harness {
  readonly emulator: BotApiEmulator;
  readonly app: RunningApp;
  readonly webhookUrl: string;
  /** Every log line, as JSON text. */
  readonly logs: string[];
  stop(): Promise<void>;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const emulator = options.emulator ?? (await new BotApiEmulator().start());
  const port = await freePort();
  const webhookUrl = `http://127.0.0.1:${port}/telegram/updates`;
  const config = parseConfig({
    BOT_TOKEN: emulator.token,
    TELEGRAM_API_ROOT: emulator.apiRoot,
    PORT: String(port),
    LOG_LEVEL: "debug",
    ...(options.redisUrl && { REDIS_URL: options.redisUrl }),
    ...((options.mode ?? "webhook") === "webhook" && { WEBHOOK_URL: webhookUrl, WEBHOOK_SECRET }),
    ...options.env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  const app = await startBotApp(config, {
    logger: createLogger("debug", sink),
    host: "127.0.0.1",
    throttle: false,
    ...(options.now && { now: options.now }),
    ...(options.groupBudget && { groupBudget: options.groupBudget }),
  });
  return {
    emulator,
    app,
    webhookUrl,
    logs,
    async stop() {
      await app.stop();
      if (!options.emulator) await emulator.stop();
    },
  };
}

/** Readable text of a bot message (tags stripped). */
export function textOf(message: StoredMessage): string {
  return message.text ?? "";
}

export function buttonsOf(message: StoredMessage): Array<{ text: string; callback_data: string }> {
  const keyboard = (message.reply_markup?.inline_keyboard ?? []) as Array<
    Array<{ text: string; callback_data: string }>
  >;
  return keyboard.flat();
}

/** A parent in a private chat with the bot. */
export class Parent {
  readonly user: TgUser;
  private seen = 0;

  constructor(
    readonly emulator: BotApiEmulator,
    fields: Partial<TgUser> & { id: number },
  ) {
    this.user = emulator.createUser({ first_name: "Alex", language_code: "de", ...fields });
  }

  /** All bot messages in this chat. */
  get messages(): StoredMessage[] {
    return this.emulator.botMessages(this.user.id);
  }

  /** Bot messages since the last call of `replies` (or since the start). */
  replies(): StoredMessage[] {
    const all = this.messages;
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    return fresh;
  }

  /** Sends text and returns the bot's replies to it. */
  async say(text: string): Promise<string[]> {
    this.replies();
    await this.emulator.sendText(this.user, text);
    return this.replies().map(textOf);
  }

  /** Taps the newest button whose label contains `label`; returns the replies. */
  async tap(label: string, target?: { url: string; secret?: string }): Promise<string[]> {
    const message = [...this.messages]
      .reverse()
      .find((m) => buttonsOf(m).some((b) => b.text.includes(label)));
    if (!message)
      throw new Error(
        `no button "${label}"; last buttons: ${buttonsOf(this.messages.at(-1)!)
          .map((b) => b.text)
          .join(" | ")}`,
      );
    return this.tapOn(message, label, target);
  }

  /** Taps a button on a given (possibly old) message. */
  async tapOn(
    message: StoredMessage,
    label: string,
    target?: { url: string; secret?: string },
  ): Promise<string[]> {
    const button = buttonsOf(message).find((b) => b.text.includes(label));
    if (!button) throw new Error(`message has no button "${label}"`);
    this.replies();
    await this.emulator.tap(this.user, message, button.callback_data, target);
    return this.replies().map(textOf);
  }

  /** The newest bot message that has a button containing `label`. */
  messageWith(label: string): StoredMessage {
    const message = [...this.messages]
      .reverse()
      .find((m) => buttonsOf(m).some((b) => b.text.includes(label)));
    if (!message) throw new Error(`no message with button "${label}"`);
    return message;
  }
}

let nextId = 10_000 + Math.floor(Math.random() * 1_000_000) * 10;
/** A fresh user id, so tests sharing one Redis never share a chat. */
export function newUserId(): number {
  return nextId++;
}

/**
 * One bot for a whole test file on the test Redis (memory without it): started before the tests,
 * stopped after them, and after each test nothing it sent may break the Bot API spec.
 */
export function botForFile(): () => Harness {
  const redisUrl = inject("redisUrl");
  let harness: Harness | undefined;
  beforeAll(async () => {
    harness = await startHarness(redisUrl ? { redisUrl } : {});
  });
  afterAll(() => harness?.stop());
  afterEach(() => {
    expect(harness!.emulator.violations).toEqual([]);
  });
  return () => harness!;
}

/** The language picker's buttons: every shipped language, named in itself. */
export const LANGUAGE_BUTTONS = [
  "Deutsch",
  "Einfach Deutsch",
  "English",
  "Українська",
  "Русский",
  "العربية",
  "Türkçe",
  "فارسی / دری",
];
