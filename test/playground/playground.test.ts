/** The playground as an editor uses it: chat, jump to a step, hot reload, errors with file:line. */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import {
  PlaygroundRefusedError,
  startPlayground,
  type Playground,
} from "../../src/playground/start-playground.js";
import { startTestPlayground } from "../support/playground.js";
import { freePort } from "../support/redis-server.js";

let playground: Playground;
let root: string;
const parent = { id: 555_001, first_name: "Sam", language_code: "de" };

async function post(path: string, body: object) {
  const response = await fetch(`${playground.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return response.json();
}

async function chatTexts(): Promise<string[]> {
  const { messages } = (await (
    await fetch(`${playground.url}/api/chat?chat=${parent.id}`)
  ).json()) as {
    messages: Array<{ text: string; fromBot: boolean }>;
  };
  return messages.filter((m) => m.fromBot).map((m) => m.text);
}

async function waitForText(text: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await chatTexts()).some((t) => t.includes(text))) {
    if (Date.now() > deadline)
      throw new Error(`"${text}" did not appear; last: ${(await chatTexts()).at(-1)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  ({ playground, root } = await startTestPlayground());
});
afterAll(() => playground.stop());

describe("the playground", () => {
  it("serves the page on localhost and the bot answers a parent there", async () => {
    expect(playground.url).toMatch(/^http:\/\/localhost:\d+$/);
    const page = await (await fetch(playground.url)).text();
    expect(page).toContain("<title>Playground");
    await post("/api/send", { user: parent, text: "/start" });
    await waitForText("Wobei kann ich dir helfen?");
    expect((await chatTexts())[0]).toContain("automatischer Assistent");
  });

  it("jumps to any step in any language", async () => {
    await post("/api/jump", { user: parent, step: "childcare.kita_age", lang: "en" });
    await waitForText("How old is your child?");
    await post("/api/jump", { user: parent, step: "money.menu", lang: "de" });
    await waitForText("Geld");
  });

  it("shows a saved text change without a restart", async () => {
    const file = join(root, "locales/de/childcare.json");
    const texts = JSON.parse(await readFile(file, "utf8"));
    texts.kita_age.text = "Wie alt ist dein Kind? (frisch geändert)";
    await writeFile(file, JSON.stringify(texts, null, 2));
    const deadline = Date.now() + 5_000;
    while (!playground.status().ok || !(await reloadedText())) {
      if (Date.now() > deadline) throw new Error("the change was not picked up");
      await new Promise((r) => setTimeout(r, 100));
    }
    await post("/api/jump", { user: parent, step: "childcare.kita_age", lang: "de" });
    await waitForText("(frisch geändert)");

    async function reloadedText() {
      await post("/api/jump", { user: parent, step: "childcare.kita_age", lang: "de" });
      await new Promise((r) => setTimeout(r, 150));
      return (await chatTexts()).some((t) => t.includes("(frisch geändert)"));
    }
  });

  it("reports a broken flow with file:line and keeps serving the last good content", async () => {
    const file = join(root, "flows/childcare.yaml");
    const yaml = await readFile(file, "utf8");
    await writeFile(file, yaml.replace("start: menu", "start: menü_gibt_es_nicht"));
    const status = await playground.reload();
    expect(status.ok).toBe(false);
    expect(status.problems.join("\n")).toMatch(/flows\/childcare\.yaml:\d+:\d+ error/);
    const state = (await (await fetch(`${playground.url}/api/state`)).json()) as {
      content: { ok: boolean };
    };
    expect(state.content.ok).toBe(false);
    await post("/api/send", { user: parent, text: "/menu" });
    await waitForText("Wobei kann ich dir helfen?");
    await writeFile(file, yaml);
    expect((await playground.reload()).ok).toBe(true);
  });

  it("has a caseworker group with a member the bot trusts", async () => {
    const state = (await (await fetch(`${playground.url}/api/state`)).json()) as {
      group: { title: string };
    };
    expect(state.group.title).toBe("Jugendamt (Playground)");
    expect(playground.emulator.violations).toEqual([]);
  });

  it("refuses to start with NODE_ENV=production unless asked", async () => {
    const config = parseConfig({
      NODE_ENV: "production",
      CONTENT_DIR: root,
      PLAYGROUND_PORT: String(await freePort()),
    });
    await expect(
      startPlayground(config, { logger: pino({ level: "silent" }) }),
    ).rejects.toBeInstanceOf(PlaygroundRefusedError);
  });
});
