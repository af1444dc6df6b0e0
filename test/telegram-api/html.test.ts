import { describe, expect, it } from "vitest";
import { checkTelegramHtml, tagsOf, visibleLength } from "../../src/telegram-api/html.js";

describe("Telegram HTML", () => {
  it("accepts Telegram's tags, links and entities", () => {
    for (const ok of [
      "<b>fett</b> <i>kursiv</i> <u>u</u> <s>s</s> <code>x</code>",
      '<a href="https://www.vamv-nrw.de/">VAMV NRW</a>',
      "<blockquote expandable>lang</blockquote>",
      "5 &lt; 6 &amp;&amp; 7 &gt; 6 &quot;x&quot; &#8364;",
      "• Punkt\n• Punkt",
    ]) {
      expect(checkTelegramHtml(ok), ok).toBeUndefined();
    }
  });

  it("rejects what Telegram would refuse, saying what to do", () => {
    expect(checkTelegramHtml("Kita & Schule")?.message).toBe('it contains a bare "&".');
    expect(checkTelegramHtml("a < b")?.hint).toBe(
      "Write &lt; for the character, or close the tag.",
    );
    expect(checkTelegramHtml("<b>offen")?.message).toBe("<b> is opened but never closed.");
    expect(checkTelegramHtml("<b><i>x</b></i>")?.message).toBe(
      "</b> closes a tag, but <i> is still open.",
    );
    expect(checkTelegramHtml("<p>x</p>")?.message).toBe(
      "it uses <p>, which Telegram does not show.",
    );
    expect(checkTelegramHtml('<a title="x" href="https://x.de">x</a>')?.message).toBe(
      '<a> has the attribute "title", which Telegram does not accept.',
    );
    expect(checkTelegramHtml("<a>x</a>")?.message).toBe(
      'a link <a> needs an address: <a href="https://…">text</a>.',
    );
    expect(checkTelegramHtml("&nbsp;")?.message).toBe(
      "it uses the entity &nbsp;, which Telegram does not know.",
    );
  });

  it("counts what the parent sees and lists tags for comparison", () => {
    expect(visibleLength("<b>ab</b> &amp; c")).toBe(6);
    expect(tagsOf('<b>x</b> <a href="https://x.de">y</a> <b>z</b>')).toEqual(["a", "b", "b"]);
  });
});
