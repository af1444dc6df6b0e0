/**
 * The playground in a real browser: Debian's Chromium driven by playwright-core (never a
 * downloaded browser). With CI=true a missing Chromium fails the run instead of skipping it.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Playground } from "../../src/playground/start-playground.js";
import { REPO_ROOT } from "../factories.js";
import { startTestPlayground } from "../support/playground.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && process.env.CI === "true")
  throw new Error(`${CHROMIUM} is missing, but CI must run the browser tests.`);

let browser: Browser;
let playground: Playground;
let root: string;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  ({ playground, root } = await startTestPlayground());
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await playground?.stop();
});

let parentId = 700_000;
beforeEach(async () => {
  if (!hasChromium) return;
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  await page.goto(`${playground.url}/?parent=${++parentId}`);
  await page.waitForSelector("body[data-ready=yes]");
});
afterEach(async (context) => {
  if (!hasChromium) return;
  if (context.task.result?.state === "fail") {
    await mkdir(join(REPO_ROOT, "test-results"), { recursive: true });
    await page.screenshot({
      path: join(REPO_ROOT, "test-results", `${context.task.name.replace(/\W+/g, "-")}.png`),
    });
  }
  await page.close();
});

async function send(text: string) {
  await page.fill("#message", text);
  await page.click("#composer button");
}

const lastBot = () => page.locator("#chat .msg.bot").last();

describe.runIf(hasChromium)("the playground in a browser", () => {
  it("shows the welcome and menu on opening, walks a childcare path by clicking, and shows the legal basis", async () => {
    await expect
      .poll(() => page.locator(".msg.bot").first().textContent())
      .toContain("automatischer Assistent");
    await page.getByRole("button", { name: "👶 Kinderbetreuung (Kita)" }).last().click();
    await page
      .getByRole("button", { name: /Anspruch auf einen Platz/ })
      .last()
      .click();
    await expect.poll(() => lastBot().textContent()).toContain("Wie alt ist dein Kind?");
    await send("2");
    await expect
      .poll(() => lastBot().textContent())
      .toContain("Rechtsgrundlage: § 24 Abs. 2 SGB VIII");
    // Telegram's formatting is rendered, not shown as tags.
    expect(await lastBot().locator(".bubble b").first().textContent()).toBe(
      "Anspruch auf einen Platz – ohne Bedingungen",
    );
    await mkdir(join(REPO_ROOT, "docs"), { recursive: true });
    await page.screenshot({ path: join(REPO_ROOT, "docs", "playground.png") });
  });

  it("shows an Arabic parent the bot's Arabic text, right to left", async () => {
    await page.goto(`${playground.url}/?parent=${++parentId}&lang=ar`);
    await page.waitForSelector("body[data-ready=yes]");
    expect(await page.getAttribute("#chat", "dir")).toBe("rtl");
    await expect.poll(() => page.locator(".msg.bot").first().textContent()).toContain("مساعد آلي");
    const welcome = page.locator(".msg.bot .bubble").first();
    expect(
      await welcome.evaluate(
        (element) => element.ownerDocument.defaultView!.getComputedStyle(element).direction,
      ),
    ).toBe("rtl");
    // The chat is mirrored, as in Telegram: the bot's messages start at the right edge.
    const menu = page.locator(".msg.bot").last();
    await expect.poll(() => menu.textContent()).toContain("بماذا أستطيع مساعدتك");
    const box = (await menu.locator(".bubble").boundingBox())!;
    const chat = (await page.locator("#chat").boundingBox())!;
    expect(chat.x + chat.width - (box.x + box.width)).toBeLessThan(30);
    expect(box.x - chat.x).toBeGreaterThan(30);
  });

  it("shows the caseworker group, where a caseworker can write", async () => {
    await page.click("button[data-tab=office]");
    expect(await page.textContent("#group-title")).toBe("Jugendamt (Playground)");
    await page.fill("#group-message", "Guten Morgen, Team!");
    await page.click("#group-composer button");
    await expect
      .poll(() => page.locator("#group-chat .msg").last().textContent())
      .toContain("Guten Morgen, Team!");
  });

  it("a parent asks for a person; the caseworker claims, answers and closes in the group; the parent rates", async () => {
    // Messages between the panes pass the outbound throttle (about 1 a second per chat).
    const SOON = { timeout: 10_000 };
    const tap = (name: RegExp) => page.getByRole("button", { name }).last().click();
    await expect.poll(() => lastBot().textContent(), SOON).toContain("Kinderbetreuung");
    await tap(/Kinderbetreuung/);
    await tap(/Mit einer Person sprechen/);
    await expect.poll(() => lastBot().textContent(), SOON).toContain("Jugendamt Musterstadt");
    await tap(/Ja, weitergeben/);
    await tap(/Kita und Tagespflege/);
    await expect.poll(() => lastBot().textContent(), SOON).toContain("Schreib bitte kurz");
    await send("Ich suche ab März einen Kita-Platz.");
    await tap(/Hier im Chat/);
    await tap(/Absenden/);
    await expect.poll(() => lastBot().textContent(), SOON).toMatch(/Deine Anfrage #\d+ ist bei/);
    const number = /#(\d+)/.exec((await lastBot().textContent())!)![1];

    // The case topic with its card appears in the caseworker pane.
    await page.click("button[data-tab=office]");
    const topicButton = page.locator("#topics button", { hasText: `#${number} · Kita` });
    await topicButton.click();
    const card = page.locator("#group-chat .msg", {
      hasText: "Ich suche ab März einen Kita-Platz.",
    });
    await expect.poll(() => card.count(), SOON).toBe(1);
    await card.getByRole("button", { name: /Übernehmen/ }).click();
    await expect.poll(() => lastBot().textContent(), SOON).toContain("kümmert sich jetzt");

    // The caseworker answers in the topic; the parent's reply comes back into it.
    await page.fill("#group-message", "Gern, kommen Sie am Dienstag um 10 Uhr vorbei.");
    await page.click("#group-composer button");
    await expect.poll(() => lastBot().textContent(), SOON).toContain("Dienstag um 10 Uhr");
    await send("Danke, das passt!");
    await expect
      .poll(() => page.locator("#group-chat .msg").last().textContent(), SOON)
      .toContain("Danke, das passt!");

    // The caseworker closes; the parent rates.
    await page.fill("#group-message", "/close");
    await page.click("#group-composer button");
    await expect.poll(() => lastBot().textContent(), SOON).toContain("ist abgeschlossen");
    await expect.poll(() => topicButton.textContent(), SOON).toContain("🔒");
    await tap(/⭐⭐⭐⭐⭐/);
    await expect.poll(() => lastBot().textContent(), SOON).toContain("Danke für deine Bewertung");
  });

  it("jumps to a step in another language", async () => {
    await page.selectOption("#jump-flow", "money");
    await page.selectOption("#jump-step", "menu");
    await page.selectOption("#jump-lang", "en");
    await page.click("#jump button");
    await expect.poll(() => lastBot().textContent()).toContain("Money");
  });

  it("shows an edited text without a restart", async () => {
    const file = join(root, "locales/de/main.json");
    const texts = JSON.parse(await readFile(file, "utf8"));
    texts.menu.text = "Wobei kann ich dir helfen? (neu im Playground)";
    await writeFile(file, JSON.stringify(texts, null, 2));
    await expect
      .poll(
        async () => {
          await send("/menu");
          await page.waitForTimeout(300);
          return lastBot().textContent();
        },
        { timeout: 10_000 },
      )
      .toContain("(neu im Playground)");
  });

  it("shows a broken flow's error with file:line while the bot keeps answering", async () => {
    const file = join(root, "flows/training.yaml");
    const yaml = await readFile(file, "utf8");
    await writeFile(file, yaml.replace("start: menu", "start: nirgendwo"));
    await expect
      .poll(() => page.locator("#errors").textContent(), { timeout: 10_000 })
      .toMatch(/flows\/training\.yaml:\d+:\d+ error/);
    expect(await page.isVisible("#errors")).toBe(true);
    await send("/menu");
    await expect.poll(() => lastBot().textContent()).toContain("Wobei kann ich dir helfen?");
    await writeFile(file, yaml);
    await expect.poll(() => page.isHidden("#errors"), { timeout: 10_000 }).toBe(true);
  });
});
