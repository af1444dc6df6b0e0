import { describe, expect, it } from "vitest";
import { isolateLeftToRight } from "../../src/i18n/bidi.js";

const LRI = "\u2066";
const PDI = "\u2069";
const shown = (text: string) => text.replaceAll(LRI, "[").replaceAll(PDI, "]");

describe("left-to-right fragments in right-to-left text", () => {
  it("isolates legal bases, German terms, amounts and commands as whole runs", () => {
    expect(shown(isolateLeftToRight("الأساس القانوني: § 28 Abs. 2 SGB II"))).toBe(
      "الأساس القانوني: [§ 28 Abs. 2 SGB II]",
    );
    expect(shown(isolateLeftToRight("روضة الأطفال (Kita) بمبلغ 259 € شهريًا"))).toBe(
      "روضة الأطفال ([Kita]) بمبلغ [259 €] شهريًا",
    );
    expect(shown(isolateLeftToRight("اكتب /privacy أو /delete."))).toBe(
      "اكتب [/privacy] أو [/delete].",
    );
    expect(shown(isolateLeftToRight("مهلة حتى 31.12.2026"))).toBe("مهلة حتى [31.12.2026]");
  });

  it("leaves HTML tags, links and entities intact", () => {
    const html =
      'انظر <a href="https://www.gesetze-im-internet.de/sgb_2/">SGB II</a> &amp; <b>Kita</b>';
    expect(shown(isolateLeftToRight(html))).toBe(
      'انظر <a href="https://www.gesetze-im-internet.de/sgb_2/">[SGB II]</a> &amp; <b>[Kita]</b>',
    );
  });

  it("does not isolate twice (a text that includes an isolated text)", () => {
    const once = isolateLeftToRight("الطلب #12 لدى Jugendamt");
    expect(isolateLeftToRight(`✅ ${once} – Jobcenter`)).toBe(`✅ ${once} – ${LRI}Jobcenter${PDI}`);
  });

  it("changes nothing in a text without Latin letters or digits", () => {
    expect(isolateLeftToRight("مرحبًا! كيف يمكنني مساعدتك؟")).toBe("مرحبًا! كيف يمكنني مساعدتك؟");
  });
});
