import { describe, expect, it } from "vitest";
import { decodeCallback, encodeCallback, stepHash } from "../../src/bot/callback-data.js";
import { splitMessage, toOutgoing } from "../../src/bot/render.js";
import { checkTelegramHtml, visibleLength } from "../../src/telegram-api/html.js";

describe("splitting long texts", () => {
  it("keeps a text that fits as it is", () => {
    expect(splitMessage("<b>kurz</b>")).toEqual(["<b>kurz</b>"]);
  });

  it("splits at paragraph boundaries, each part within the limit", () => {
    const paragraph = (n: number) => `<b>Absatz ${n}</b>\n${"Text ".repeat(150)}`;
    const html = Array.from({ length: 12 }, (_, i) => paragraph(i)).join("\n\n");
    const parts = splitMessage(html);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(visibleLength(part)).toBeLessThanOrEqual(4096);
      expect(checkTelegramHtml(part)).toBeUndefined();
      expect(part.startsWith("<b>Absatz")).toBe(true);
    }
    expect(parts.join("\n\n")).toBe(html);
  });

  it("never cuts inside a tag: a tag open at a cut is closed and opened again", () => {
    const html = `<blockquote>${Array.from({ length: 8 }, () => "Zeile ".repeat(120)).join("\n\n")}</blockquote>`;
    const parts = splitMessage(html, 1000);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      expect(checkTelegramHtml(part)).toBeUndefined();
      expect(part.startsWith("<blockquote>")).toBe(true);
      expect(part.endsWith("</blockquote>")).toBe(true);
      expect(visibleLength(part)).toBeLessThanOrEqual(1000);
    }
  });

  it("cuts a paragraph without breaks at words, and a word without spaces between characters", () => {
    const words = splitMessage("wort ".repeat(300), 100);
    expect(words.every((p) => visibleLength(p) <= 100 && !p.startsWith("ort"))).toBe(true);
    const blob = splitMessage(`a&amp;${"x".repeat(250)}`, 100);
    expect(blob.every((p) => visibleLength(p) <= 100)).toBe(true);
    expect(blob.join("")).toBe(`a&amp;${"x".repeat(250)}`);
  });

  it("puts the keyboard under the last part only", () => {
    const parts = toOutgoing({
      html: Array.from({ length: 4 }, () => "y".repeat(1500)).join("\n\n"),
      buttons: [[{ label: "Weiter", action: { type: "menu" } }]],
    });
    expect(parts.length).toBe(2);
    expect(parts[0]!.reply_markup).toBeUndefined();
    expect(parts[1]!.reply_markup).toEqual({
      inline_keyboard: [[{ text: "Weiter", callback_data: "1m" }]],
    });
  });
});

describe("callback data", () => {
  const steps = new Map([[stepHash("childcare.menu"), "childcare.menu"]]);

  it("round-trips every action in at most 64 bytes", () => {
    for (const action of [
      { type: "choose", step: "childcare.menu", index: 11 },
      { type: "back" },
      { type: "menu" },
      { type: "language", lang: "de-simple" },
      { type: "delete", confirm: true },
      { type: "delete", confirm: false },
    ] as const) {
      const data = encodeCallback(action);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(decodeCallback(data, steps)).toEqual(action);
    }
  });

  it("is stable across processes, and tells outdated steps from garbage", () => {
    expect(stepHash("childcare.menu")).toBe(stepHash("childcare.menu"));
    expect(stepHash("childcare.menu")).not.toBe(stepHash("childcare.menus"));
    expect(decodeCallback(`1s${stepHash("gone.step")}.0`, steps)).toBe("outdated");
    for (const data of [
      undefined,
      "",
      "x",
      "2m",
      "1q",
      "1s.0",
      "1sabc",
      "1mx",
      "1l<b>",
      "1dz",
      `1s${"a".repeat(70)}`,
    ]) {
      expect(decodeCallback(data, steps)).toBeUndefined();
    }
  });
});
