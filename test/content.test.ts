/** The real content, through the checker and the engine: what editors ship must work for parents. */
import { describe, expect, it } from "vitest";
import { advance, startRef } from "../src/engine/advance.js";
import { createEngineState } from "../src/engine/state.js";
import { checkDirectory } from "../src/flow-files/check.js";
import { formatProblem } from "../src/flow-files/problems.js";
import { isWaitingStep } from "../src/flow-files/schema.js";
import { createTexts } from "../src/i18n/texts.js";
import { composeMessages } from "../src/render/compose.js";
import { REPO_ROOT } from "./factories.js";

const TOPICS = ["childcare", "training", "money", "where"];

describe("the real flows, facts and texts", async () => {
  const { content, problems, coverage } = await checkDirectory(REPO_ROOT);

  it("pass the checker with zero errors and full coverage in every shipped language", () => {
    expect(problems.filter((p) => p.severity === "error").map(formatProblem)).toEqual([]);
    for (const row of coverage.filter((r) => r.status !== "beta")) {
      expect(row, `${row.lang} coverage`).toMatchObject({ present: row.required });
    }
    expect(coverage.map((r) => r.lang)).toEqual(expect.arrayContaining(["de", "en"]));
  });

  it("reach every topic from the main menu, and a person from every topic menu", () => {
    const main = content.flows.flows.get("main")!;
    const menu = main.steps.get(main.start)!;
    expect(menu.kind).toBe("choices");
    const targets = menu.kind === "choices" ? menu.choices.map((c) => c.next) : [];
    for (const topic of TOPICS) expect(targets).toContain(`${topic}.menu`);
    for (const topic of TOPICS) {
      const topicMenu = content.flows.flows.get(topic)?.steps.get("menu");
      expect(topicMenu?.kind, topic).toBe("choices");
      const last = topicMenu?.kind === "choices" ? topicMenu.choices.at(-1) : undefined;
      const handoff = last && content.flows.flows.get(topic)!.steps.get(last.next);
      expect(handoff?.kind, `${topic}: the last choice of the menu hands off to a person`).toBe(
        "handoff",
      );
    }
  });

  it("name a legal basis in every answer", () => {
    const missing: string[] = [];
    for (const flow of content.flows.flows.values()) {
      if (flow.id === "main") continue;
      for (const [id, step] of flow.steps) {
        // An answer is a step that shows a text and does not ask or offer a menu of topics.
        if (step.kind === "say" && (step.facts ?? []).length === 0)
          missing.push(`${flow.id}.${id}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it("render every waiting step in every language without a missing text", () => {
    const texts = createTexts(content);
    for (const lang of content.languages.keys()) {
      for (const flow of content.flows.flows.values()) {
        for (const [id, step] of flow.steps) {
          if (!isWaitingStep(step)) continue;
          const { outputs } = advance(content.flows, createEngineState(content.flows.hash), {
            type: "jump",
            step: `${flow.id}.${id}`,
          });
          for (const message of composeMessages(texts, lang, outputs)) {
            // i18next shows the key itself when a text is missing.
            expect(message.html, `${lang} ${flow.id}.${id}`).not.toMatch(
              /^[a-z_]+\.(text|choices|options)/,
            );
            for (const button of message.buttons.flat()) {
              expect(button.label, `${lang} ${flow.id}.${id}`).not.toMatch(/\.(choices|options)\./);
            }
          }
        }
      }
    }
    expect(startRef(content.flows)).toBe("main.menu");
  });
});
