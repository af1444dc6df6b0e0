import { describe, expect, it } from "vitest";
import { checkDirectory } from "../../src/flow-files/check.js";
import { formatProblem } from "../../src/flow-files/problems.js";
import { COMMON_KEYS, COMMON_PLURALS } from "../../src/i18n/common-keys.js";
import { createEmptyContentDir } from "../factories.js";

const LANGUAGES = `de: { name: Deutsch, status: source, dir: ltr, intl: de-DE }
en: { name: English, status: shipped, dir: ltr, intl: en-GB }
`;

const MAIN = `id: main
start: menu
steps:
  menu:
    choices:
      - { label: kita, next: kita_age }
  kita_age:
    ask: { type: integer, min: 0, max: 17, save: child_age }
    next: kita_check
  kita_check:
    branch:
      - { if: { var: child_age, lt: 1 }, goto: under_one }
      - { else: menu }
  under_one:
    facts: [kita_right]
    next: menu
`;

const FACTS = `kita_right:
  legal_basis: § 24 Abs. 1 SGB VIII
  valid_from: 2013-08-01
  valid_until: null
  source: https://www.gesetze-im-internet.de/sgb_8/__24.html
  checked: 2026-08-19
  confidence: statute
kindergeld:
  value: 259
  unit: eur
  legal_basis: § 66 Abs. 1 EStG
  valid_from: 2026-01-01
  valid_until: 2026-12-31
  source: https://www.gesetze-im-internet.de/estg/__66.html
  checked: 2026-08-19
  confidence: statute
`;

const TEXTS = {
  de: {
    menu: { text: "Worum geht es?", choices: { kita: "Kita" } },
    kita_age: { text: "Wie alt ist dein Kind?" },
    under_one: { text: "Auch unter 1 Jahr gibt es einen Platz." },
  },
  en: {
    menu: { text: "What is it about?", choices: { kita: "Kita" } },
    kita_age: { text: "How old is your child?" },
    under_one: { text: "There is a place under one, too." },
  },
};

async function commonTexts(lang: "de" | "en") {
  const { readFile } = await import("node:fs/promises");
  return readFile(new URL(`../../locales/${lang}/common.json`, import.meta.url), "utf8");
}

/** A small valid content set, with some files replaced. */
async function check(replace: Record<string, string> = {}, today = "2026-09-01") {
  const root = await createEmptyContentDir({
    "locales/languages.yaml": LANGUAGES,
    "flows/main.yaml": MAIN,
    "flows/facts.yaml": FACTS,
    "locales/de/common.json": await commonTexts("de"),
    "locales/en/common.json": await commonTexts("en"),
    "locales/de/main.json": JSON.stringify(TEXTS.de, null, 2),
    "locales/en/main.json": JSON.stringify(TEXTS.en, null, 2),
    ...replace,
  });
  const report = await checkDirectory(root, { today });
  return {
    ...report,
    lines: report.problems.map(formatProblem),
    errors: report.problems.filter((p) => p.severity === "error").map(formatProblem),
    warnings: report.problems.filter((p) => p.severity === "warning").map(formatProblem),
  };
}

/** Common texts plus the fixture's 4 step texts; a plural text counts once per form (zero, one, other in German and English). */
const REQUIRED_TEXTS = Object.keys(COMMON_KEYS).length + 2 * COMMON_PLURALS.size + 4;

const withTexts = (lang: "de" | "en", texts: unknown) => ({
  [`locales/${lang}/main.json`]: JSON.stringify(texts, null, 2),
});

describe("check:flows", () => {
  it("passes valid content with full coverage (an unused fact is only a warning)", async () => {
    const { errors, warnings, coverage } = await check();
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      'flows/facts.yaml:8:1 warning fact "kindergeld" is not used by any step. List it under facts: of the step that relies on it, or remove it.',
    ]);
    // Every common text the code uses, plus the four texts of the fixture flow.
    const required = REQUIRED_TEXTS;
    expect(coverage.map((c) => [c.lang, c.present, c.required])).toEqual([
      ["de", required, required],
      ["en", required, required],
    ]);
  });

  it("names file, line, column and step for a target that does not exist, with a suggestion", async () => {
    const { errors } = await check({
      "flows/main.yaml": MAIN.replace("next: kita_check", "next: kita_chek"),
    });
    expect(errors).toContain(
      'flows/main.yaml:9:11 error step "kita_age": next goes to "kita_chek", which does not exist. Did you mean "kita_check"?',
    );
  });

  it("explains schema mistakes in words, with the line of the field", async () => {
    const { errors } = await check({
      "flows/main.yaml": MAIN.replace("    choices:", "    choises:").replace(
        "type: integer",
        "type: integr",
      ),
    });
    expect(errors).toContain(
      'flows/main.yaml:5:5 error step "menu": "choises" is not a field that belongs here. Did you mean "choices"?',
    );
    expect(errors).toContain(
      'flows/main.yaml:8:18 error step "kita_age": the answer type is the text "integr", but must be one of: integer, yesno, oneof, text, postcode. Did you mean "integer"?',
    );
  });

  it("reports a step with two kinds and a missing field", async () => {
    const { errors } = await check({
      "flows/main.yaml": MAIN.replace(
        "    next: kita_check\n",
        "    next: kita_check\n    goto: menu\n",
      ).replace("min: 0, max: 17, ", "min: 0, "),
    });
    expect(errors).toContain(
      'flows/main.yaml:7:3 error step "kita_age": a step can be only one kind, but this one has ask and goto. Split it into two steps and link them with next.',
    );
  });

  it("requires an else in every branch", async () => {
    const { errors } = await check({
      "flows/main.yaml": MAIN.replace("      - { else: menu }\n", ""),
    });
    expect(errors).toContain(
      'flows/main.yaml:12:7 error step "kita_check": this branch has no else, so a parent whose answers match no rule would be stuck. Add  - { else: <step> }  as the last rule.',
    );
  });

  it("checks that conditions use saved answers, compared by their type", async () => {
    const { errors } = await check({
      "flows/main.yaml": MAIN.replace("{ var: child_age, lt: 1 }", "{ var: chid_age, lt: 1 }"),
    });
    expect(errors).toContain(
      'flows/main.yaml:12:22 error step "kita_check": the condition uses the answer "chid_age", but no question saves it. Did you mean "child_age"? Check the spelling against save: in the ask steps.',
    );
    const typed = await check({
      "flows/main.yaml": MAIN.replace(
        "{ var: child_age, lt: 1 }",
        '{ var: child_age, eq: "eins" }',
      ),
    });
    expect(typed.errors).toContain(
      'flows/main.yaml:12:37 error step "kita_check": "child_age" is a integer answer, so compare it with a number, not "eins".',
    );
  });

  it("warns about unreachable steps and rejects circles that never wait", async () => {
    const { warnings, errors } = await check({
      "flows/main.yaml": `${MAIN}  orphan:\n    next: menu\n  loop_a:\n    goto: loop_b\n  loop_b:\n    goto: loop_a\n`,
    });
    expect(warnings).toContain(
      'flows/main.yaml:17:3 warning step "orphan": no button, question or jump leads here, so parents never see it. Link it (next:, goto: or a choice) or remove it.',
    );
    expect(errors).toContain(
      'flows/main.yaml:19:3 error step "loop_a": dead end: from here the parent never reaches a menu, question, handoff or end. Lead it to a menu (next: menu) or end it (end: true).',
    );
    expect(errors).toContain(
      'flows/main.yaml:19:3 error step "loop_a": goes round in a circle without waiting for the parent: main.loop_a → main.loop_b → main.loop_a. Put a menu or a question into the circle.',
    );
  });

  it("reports YAML syntax errors and duplicate step ids with their line", async () => {
    const duplicate = await check({ "flows/main.yaml": `${MAIN}  under_one:\n    next: menu\n` });
    expect(duplicate.errors[0]).toMatch(
      /^flows\/main\.yaml:17:3 error this name appears twice at the same level/,
    );
    const syntax = await check({
      "flows/main.yaml": MAIN.replace(
        "{ label: kita, next: kita_age }",
        "{ label: kita, next: kita_age ",
      ),
    });
    expect(syntax.errors[0]).toMatch(
      /^flows\/main\.yaml:\d+:\d+ error the file cannot be read as YAML/,
    );
  });

  it("checks facts: unknown, expired and soon expiring", async () => {
    const unknown = await check({
      "flows/main.yaml": MAIN.replace("facts: [kita_right]", "facts: [kita_rigth]"),
    });
    expect(unknown.errors).toContain(
      'flows/main.yaml:15:13 error step "under_one": the fact "kita_rigth" is not in flows/facts.yaml. Did you mean "kita_right"? Add it to flows/facts.yaml with its legal basis, validity and source, or fix the name.',
    );
    const expired = await check({}, "2027-01-02");
    expect(expired.errors).toContain(
      'flows/facts.yaml:13:16 error fact "kindergeld" was valid until 2026-12-31, which has passed. Check the current value in the source, then update value, valid_from, valid_until and checked.',
    );
    const soon = await check({}, "2026-11-21");
    expect(soon.warnings).toContain(
      'flows/facts.yaml:13:16 warning fact "kindergeld" is valid only until 2026-12-31 (in 40 days). Check whether a new value has been decided and prepare the update.',
    );
    const badFact = await check({
      "flows/facts.yaml": FACTS.replace("valid_from: 2026-01-01", "valid_from: 1.1.2026"),
    });
    expect(badFact.errors).toContain(
      'flows/facts.yaml:12:15 error fact "kindergeld": "valid_from" has the wrong form: the text "1.1.2026". Write dates as YYYY-MM-DD, for example 2026-12-31.',
    );
  });

  it("requires every text in the source and in shipped languages, and warns for beta ones", async () => {
    const { errors, coverage } = await check(
      withTexts("en", { ...TEXTS.en, menu: { text: "What is it about?", choices: {} } }),
    );
    expect(errors).toContain(
      'locales/en/main.json:4:5 error step "menu": the text "menu.choices.kita" is missing in English (en). Add the translation of: "Kita"',
    );
    const required = REQUIRED_TEXTS;
    expect(coverage.find((c) => c.lang === "en")).toMatchObject({
      present: required - 1,
      required,
    });

    const source = await check(withTexts("de", { ...TEXTS.de, kita_age: {} }));
    expect(source.errors).toContain(
      'locales/de/main.json:8:3 error step "kita_age": the text "kita_age.text" is missing in Deutsch (de). Add it to locales/de/main.json.',
    );

    const beta = await check({
      "locales/languages.yaml": `${LANGUAGES}uk: { name: Українська, status: beta, dir: ltr, intl: uk-UA }\n`,
    });
    expect(beta.errors).toEqual([]);
    expect(beta.warnings).toContain(
      "locales/uk/common.json warning the text file is missing for Українська (uk). Create it with the same keys as locales/de/common.json.",
    );
  });

  it("requires the plural forms of each language (Arabic has six) and lets a form leave out the number", async () => {
    const de = JSON.parse(await commonTexts("de"));
    const ar = {
      ...de,
      handoff: {
        ...de.handoff,
        queue_zero: "أنت التالي.",
        queue_one: "أمامك طلب واحد.",
        queue_two: "أمامك طلبان.",
        queue_few: "أمامك {{count}} طلبات.",
        queue_many: "أمامك {{count}} طلبًا.",
        queue_other: "أمامك {{count}} طلب.",
      },
    };
    const languages = `${LANGUAGES}ar: { name: العربية, status: shipped, dir: rtl, intl: ar }\n`;
    const complete = await check({
      "locales/languages.yaml": languages,
      "locales/ar/common.json": JSON.stringify(ar),
      "locales/ar/main.json": JSON.stringify(TEXTS.de),
    });
    expect(complete.errors).toEqual([]);
    expect(complete.coverage.find((c) => c.lang === "ar")).toMatchObject({
      present: REQUIRED_TEXTS + 3,
      required: REQUIRED_TEXTS + 3,
    });

    const { queue_two: _two, ...withoutDual } = ar.handoff;
    const missing = await check({
      "locales/languages.yaml": languages,
      "locales/ar/common.json": JSON.stringify({ ...ar, handoff: withoutDual }),
      "locales/ar/main.json": JSON.stringify(TEXTS.de),
    });
    expect(
      missing.errors.some((e) =>
        e.includes('the text "handoff.queue_two" is missing in العربية (ar)'),
      ),
    ).toBe(true);

    const wrongName = await check({
      "locales/languages.yaml": languages,
      "locales/ar/common.json": JSON.stringify({
        ...ar,
        handoff: { ...ar.handoff, queue_few: "أمامك {{cuont}} طلبات." },
      }),
      "locales/ar/main.json": JSON.stringify(TEXTS.de),
    });
    expect(wrongName.errors).toEqual([
      expect.stringMatching(
        /^locales\/ar\/common\.json:\d+:\d+ error the placeholders differ from the source: \{\{cuont\}\} not in the source\./,
      ),
    ]);
  });

  it("warns about unused texts", async () => {
    const { warnings } = await check(withTexts("de", { ...TEXTS.de, under_on: { text: "alt" } }));
    expect(warnings).toContain(
      'locales/de/main.json:15:5 warning the text "under_on.text" is not used by any step. Did you mean "under_one.text"? Remove it, or fix its name to match a step (step.text, step.choices.<label>, step.options.<option>).',
    );
  });

  it("flags placeholders and tags that differ from the source, and unknown placeholders", async () => {
    const de = {
      ...TEXTS.de,
      under_one: { text: "<b>Platz</b> mit {{kita_right}} und {{child_age}} Jahren" },
    };
    const en = { ...TEXTS.en, under_one: { text: "Place with {{kita_rigth}} and {{child_age}}" } };
    const { errors } = await check({ ...withTexts("de", de), ...withTexts("en", en) });
    expect(errors).toContain(
      'locales/de/main.json:12:5 error step "under_one": {{kita_right}} is a fact without a value, so there is nothing to show. List it under facts: to show its legal basis, or give it a value in flows/facts.yaml.',
    );
    expect(errors).toContain(
      'locales/en/main.json:12:5 error step "under_one": the placeholders differ from the source: {{kita_right}} missing, {{kita_rigth}} not in the source. Placeholders are filled in by the bot: copy them exactly, {{name}} untranslated.',
    );
    expect(errors).toContain(
      'locales/en/main.json:12:5 error step "under_one": the HTML tags differ from the source (b there, none here). Use the same formatting tags as the source text.',
    );
  });

  it("requires facts shown in a text to be listed on the step", async () => {
    const de = { ...TEXTS.de, under_one: { text: "Kindergeld: {{kindergeld}}" } };
    const en = { ...TEXTS.en, under_one: { text: "Child benefit: {{kindergeld}}" } };
    const { errors } = await check({ ...withTexts("de", de), ...withTexts("en", en) });
    expect(errors).toContain(
      'locales/de/main.json:12:5 error step "under_one": the text shows {{kindergeld}}, but the step does not list "kindergeld" under facts:, so its legal basis is not shown. Add kindergeld to facts: of step "under_one".',
    );
  });

  it("enforces Telegram's HTML subset and limits", async () => {
    const de = {
      ...TEXTS.de,
      menu: { text: "Worum <b>geht es?", choices: { kita: "K".repeat(65) } },
      kita_age: { text: "Alter?<br>" },
      under_one: { text: "x".repeat(4090) },
    };
    const { errors } = await check(withTexts("de", de));
    expect(errors).toContain(
      'locales/de/main.json:3:5 error step "menu": the text cannot be sent to Telegram: <b> is opened but never closed. Add </b> where it should end.',
    );
    expect(errors).toContain(
      'locales/de/main.json:5:7 error step "menu": the button label has 65 characters; Telegram allows 64. Shorten it (under 35 characters reads well on a phone).',
    );
    expect(errors).toContain(
      'locales/de/main.json:9:5 error step "kita_age": the text cannot be sent to Telegram: it uses <br>, which Telegram does not show. Use a line break (\\n) or an empty line (\\n\\n) instead.',
    );
    expect(
      errors.some(
        (e) =>
          e.startsWith('locales/de/main.json:12:5 error step "under_one": the message has 4') &&
          e.includes("Telegram allows 4096"),
      ),
    ).toBe(true);
  });

  it("measures button labels without the legal footer of their step", async () => {
    const flow = MAIN.replace(
      "      - { label: kita, next: kita_age }",
      "      - { label: kita, next: kita_age }\n    facts: [kita_right]",
    );
    const { errors } = await check({ "flows/main.yaml": flow });
    expect(errors).toEqual([]);
  });

  it("names the line of a JSON syntax error", async () => {
    const { errors } = await check({
      "locales/en/main.json": '{\n  "menu": { "text": "x" }\n  "kita_age": {}\n}\n',
    });
    expect(errors[0]).toMatch(/^locales\/en\/main\.json:3:3 error the file is not valid JSON\./);
  });
});
