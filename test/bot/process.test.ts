/** The bot as an operator runs it: `npm start`'s entry point in its own process. */
import { spawn, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, inject, it } from "vitest";
import { BotApiEmulator } from "../../src/telegram-api/emulator.js";
import { REPO_ROOT } from "../factories.js";
import { buttonsOf, newUserId, Parent } from "../support/bot-harness.js";
import { freePort } from "../support/redis-server.js";

const redisUrl = inject("redisUrl");
/** One process (not tsx's wrapper and child), so that a signal reaches the bot itself. */
const NODE_ARGS = ["--import", "tsx", "src/main.ts"];
const running: ChildProcess[] = [];
const emulators: BotApiEmulator[] = [];

afterEach(async () => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const api of emulators.splice(0)) await api.stop();
});

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function startProcess(env: Record<string, string>): Started {
  const child = spawn(process.execPath, NODE_ARGS, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.push(child);
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForOutput(started: Started, text: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!started.output().includes(text)) {
    if (Date.now() > deadline || started.child.exitCode !== null) {
      throw new Error(`no "${text}" (exit ${started.child.exitCode}) in:\n${started.output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the bot process", () => {
  it("exits with a clear message, no stack trace, when the configuration is wrong", async () => {
    const started = startProcess({ BOT_TOKEN: "nope", PORT: "abc", LOG_LEVEL: "loud" });
    expect(await started.exited).toBe(1);
    const output = started.output();
    expect(output).toContain("The configuration is not valid:");
    expect(output).toContain('PORT: expected a whole number from 1 to 65535; got "abc".');
    expect(output).toContain("LOG_LEVEL: expected one of");
    expect(output).toContain("BOT_TOKEN: expected a bot token");
    expect(output).not.toMatch(/\n\s+at /);
  });

  it.runIf(redisUrl)(
    "survives kill -9 mid-flow and stops gracefully on SIGTERM",
    { timeout: 150_000 },
    async () => {
      const api = await new BotApiEmulator().start();
      emulators.push(api);
      const env = {
        BOT_TOKEN: api.token,
        TELEGRAM_API_ROOT: api.apiRoot,
        REDIS_URL: redisUrl,
        PORT: String(await freePort()),
        LOG_LEVEL: "info",
      };
      const first = startProcess(env);
      await waitForOutput(first, "bot started");
      const parent = new Parent(api, { id: newUserId() });
      await api.sendText(parent.user, "/start");
      await api.waitFor(
        () => parent.messages.some((m) => m.text?.includes("Wobei kann ich dir helfen?")),
        30_000,
      );
      const menu = parent.messageWith("Kinderbetreuung");
      await api.tap(parent.user, menu, buttonsOf(menu)[0]!.callback_data);
      await api.waitFor(
        () => parent.messages.some((m) => m.text?.includes("Was möchtest du wissen?")),
        30_000,
      );

      first.child.kill("SIGKILL");
      await first.exited;

      const second = startProcess(env);
      await waitForOutput(second, "bot started");
      const topicMenu = parent.messageWith("Kita-Gebühren");
      const button = buttonsOf(topicMenu).find((b) => b.text.includes("Kita-Gebühren"))!;
      await api.tap(parent.user, topicMenu, button.callback_data);
      await api.waitFor(
        () => parent.messages.some((m) => m.text?.includes("Elternbeiträge")),
        30_000,
      );

      second.child.kill("SIGTERM");
      expect(await second.exited).toBe(0);
      expect(second.output()).toContain("bot stopped");
      expect(api.violations).toEqual([]);
    },
  );
});
